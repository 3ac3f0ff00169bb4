// The delivery settings read from the environment: safe defaults in production, permissive ones elsewhere.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('delivery configuration', () => {
  it('when nothing is set outside production, then private targets are allowed and the waits are 5 s … 10 h', () => {
    const c = loadConfig({});
    expect(c.delivery).toEqual({ allowPrivate: true, httpsOnly: false, retryDelaysSeconds: [5, 300, 1800, 7200, 18000, 36000] });
    expect(c.mail).toEqual({ smtpUrl: undefined, from: 'Relatórios <relatorios@localhost>' });
    expect(c.scheduleJitterSeconds).toBe(0);
    expect(c.mailpitUiPort).toBe(8025);
  });

  it('when NODE_ENV=production, then private targets are refused and only https is allowed, unless WEBHOOK_ALLOW_PRIVATE says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) }).delivery).toMatchObject({ allowPrivate: false, httpsOnly: true });
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32), WEBHOOK_ALLOW_PRIVATE: 'true' }).delivery).toMatchObject({ allowPrivate: true, httpsOnly: true });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'false' }).delivery.allowPrivate).toBe(false);
  });

  it('when the waits, the jitter or the flags are set, then they are read, and nonsense is refused by name', () => {
    expect(loadConfig({ DELIVERY_RETRY_DELAYS: '1, 2,3' }).delivery.retryDelaysSeconds).toEqual([1, 2, 3]);
    expect(loadConfig({ SMTP_URL: 'smtp://relay:587', MAIL_FROM: 'Rel <r@x.com>', SCHEDULE_JITTER_SECONDS: '60' })).toMatchObject({
      mail: { smtpUrl: 'smtp://relay:587', from: 'Rel <r@x.com>' }, scheduleJitterSeconds: 60,
    });
    for (const [name, value] of [['DELIVERY_RETRY_DELAYS', '5m,1h'], ['DELIVERY_RETRY_DELAYS', '-1'], ['WEBHOOK_ALLOW_PRIVATE', 'yes'], ['SCHEDULE_JITTER_SECONDS', '7200']]) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
    }
  });
});
