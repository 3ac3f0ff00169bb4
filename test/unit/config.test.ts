// The environment rules of the contract: secrets in production, the derived link key, the demo login's gate.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, deriveLinkSigningKey, loadConfig } from '../../src/config';
import { demoLoginAllowed } from '../../dev/main';

const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/platform', TEMPORAL_ADDRESS: 'temporal:7233' };

describe('loadConfig', () => {
  it('when NODE_ENV=production and JWT_SECRET is shorter than 32 bytes, then it refuses with the reason', () => {
    expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET is 31 bytes long.*at least 32/);
    expect(() => loadConfig({ ...PRODUCTION })).toThrow(ConfigError);
    // Bytes, not characters: 16 two-byte characters are 32 bytes.
    expect(loadConfig({ ...PRODUCTION, JWT_SECRET: 'ç'.repeat(16) }).production).toBe(true);
    expect(loadConfig({ ...PRODUCTION, JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toBe('x'.repeat(32));
  });

  it('when not in production, then a short secret is accepted (a developer\'s own database)', () => {
    expect(loadConfig({ JWT_SECRET: 'dev' }).jwtSecretGenerated).toBe(false);
    expect(loadConfig({}).jwtSecretGenerated).toBe(true);
  });

  it('when links are signed, then the key is derived from the secret and is not the secret', () => {
    const config = loadConfig({ JWT_SECRET: 'segredo-da-plataforma' });
    expect(config.linkSigningKey).toBe(deriveLinkSigningKey('segredo-da-plataforma'));
    expect(config.linkSigningKey).not.toContain('segredo');
    expect(config.linkSigningKey).toMatch(/^[0-9a-f]{64}$/);
    expect(deriveLinkSigningKey('outro-segredo')).not.toBe(config.linkSigningKey);
    // Not a plain HMAC of a label under the secret either: HKDF with its own label.
    expect(config.linkSigningKey).not.toBe(createHmac('sha256', 'segredo-da-plataforma').update('download-links').digest('hex'));
  });

  it('when METRICS_ADDRESS is not host:port, then the error names it', () => {
    expect(() => loadConfig({ METRICS_ADDRESS: 'metrics' })).toThrow(/METRICS_ADDRESS: must be host:port/);
    expect(loadConfig({ METRICS_ADDRESS: '127.0.0.1:9464' }).metricsAddress).toBe('127.0.0.1:9464');
  });
});

describe('worker budgets', () => {
  it('when unset, then the heavy queue gets 2 slots and a pool of 3 connections per slot', () => {
    const config = loadConfig({});
    expect(config.worker).toEqual({ queues: 'all', slots: 8, heavySlots: 2, dbPool: 10, heavyDbPool: 6 });
    expect(config.heavyReportDays).toBe(7);
    expect(loadConfig({ WORKER_HEAVY_SLOTS: '3' }).worker.heavyDbPool).toBe(9);
  });

  it('when the heavy pool is too small for its slots, then it refuses naming both variables', () => {
    expect(() => loadConfig({ WORKER_HEAVY_SLOTS: '2', WORKER_HEAVY_DB_POOL: '5' })).toThrow(/WORKER_HEAVY_DB_POOL is 5; WORKER_HEAVY_SLOTS=2 with EXPORT_PARALLEL_RANGES=2 needs at least 6/);
    // Four COPYs per export need five connections each.
    expect(() => loadConfig({ WORKER_HEAVY_SLOTS: '2', EXPORT_PARALLEL_RANGES: '4', WORKER_HEAVY_DB_POOL: '8' })).toThrow(/needs at least 10 \(5 connections per export/);
    expect(loadConfig({ WORKER_HEAVY_SLOTS: '2', EXPORT_PARALLEL_RANGES: '4' }).worker.heavyDbPool).toBe(10);
    expect(() => loadConfig({ WORKER_HEAVY_SLOTS: '0' })).toThrow(/WORKER_HEAVY_SLOTS/);
    expect(() => loadConfig({ HEAVY_REPORT_DAYS: 'week' })).toThrow(/HEAVY_REPORT_DAYS/);
  });
});

describe('demoLoginAllowed', () => {
  it.each([
    [true, true, true],
    [true, false, false],
    [false, true, false],
    [false, false, false],
  ])('when the database is embedded=%s and the secret generated=%s, then the demo login exists=%s', (embeddedDatabase, jwtSecretGenerated, expected) => {
    expect(demoLoginAllowed({ embeddedDatabase, jwtSecretGenerated })).toBe(expected);
  });
});
