// temporal-compose.yml cannot run here (no Docker engine); its structure is checked instead.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config';

const compose = parse(readFileSync(path.join(__dirname, '../../temporal-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { profiles?: string[]; image?: string; build?: unknown; command?: unknown; environment?: Record<string, string>; ports?: string[]; depends_on?: Record<string, unknown> }>;
};

describe('temporal-compose.yml', () => {
  const s = compose.services;

  it('when read, then it has a Temporal server on PostgreSQL, the Web UI, an API and workers', () => {
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['temporal-postgresql', 'temporal', 'temporal-ui', 'reports-api', 'reports-worker']));
    expect(s.temporal.environment?.DB).toMatch(/^postgres/);
    expect(s.temporal.environment?.POSTGRES_SEEDS).toBe('temporal-postgresql');
    expect(s['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(s['temporal-ui'].ports).toContain('127.0.0.1:8233:8080');
  });

  it('when the module runs in it, then API and worker use the cluster, GCS and production mode', () => {
    for (const name of ['reports-api', 'reports-worker']) {
      const env = s[name].environment!;
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.STORAGE).toBe('gcs');
      expect(env.NODE_ENV).toBe('production');
      expect(env.DATABASE_URL).toContain('DATABASE_URL');
      expect(env.JWT_SECRET).toContain('JWT_SECRET');
    }
    expect(s['reports-api'].command).toEqual(['npm', 'run', 'start:api']);
    expect(s['reports-worker'].command).toEqual(['npm', 'run', 'start:worker']);
  });

  it('when published, then Temporal\'s gRPC and UI ports listen on 127.0.0.1 only, and /metrics stays off the public port', () => {
    for (const name of ['temporal', 'temporal-ui', 'gcs-emulator']) {
      for (const port of s[name].ports ?? []) expect(port, `${name} publishes ${port}`).toMatch(/^127\.0\.0\.1:/);
    }
    expect(s.temporal.ports?.length).toBeGreaterThan(0);
    expect(s['reports-api'].environment?.METRICS_ADDRESS).toMatch(/:9464$/);
    expect(s['reports-api'].ports).toEqual(['3000:3000']);
  });

  it('when read for secrets, then it carries none that production would accept', () => {
    const text = readFileSync(path.join(__dirname, '../../temporal-compose.yml'), 'utf8');
    // Every JWT_SECRET it names, in a value or a comment: a required variable, or a command that makes one.
    const mentions = [...text.matchAll(/JWT_SECRET\s*[:=]\s*(\S+(?: rand)?)/g)].map((m) => m[1]);
    expect(mentions.length).toBeGreaterThan(0);
    for (const value of mentions) expect(value, value).toMatch(/^(\$\{JWT_SECRET:\?|\$\(openssl rand)/);
    // And a compose default, were one added, must be refused: production wants 32 bytes or more.
    const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', TEMPORAL_ADDRESS: 't:7233' };
    for (const placeholder of ['dev', 'change-me', 'CHANGE_ME_TO_A_SECRET']) {
      expect(() => loadConfig({ ...base, JWT_SECRET: placeholder })).toThrow(ConfigError);
    }
  });

  it('when the cluster starts, then the search attributes are registered before the module runs', () => {
    const setup = JSON.stringify(s['temporal-search-attributes'].command);
    for (const [name, type] of [['ReportType', 'Keyword'], ['CompanyId', 'Int'], ['ReportStatus', 'Keyword']]) {
      expect(setup).toContain(`--name ${name} --type ${type}`);
    }
    expect(s['reports-worker'].depends_on).toHaveProperty('temporal-search-attributes');
  });

  it('when API and worker are configured, then every variable set is one the module reads (or the GCS library credentials)', () => {
    for (const name of ['reports-api', 'reports-worker']) {
      for (const variable of Object.keys(s[name].environment!)) {
        expect([...ENVIRONMENT_VARIABLES, 'GOOGLE_APPLICATION_CREDENTIALS'], `${name} sets ${variable}`).toContain(variable);
      }
    }
  });

  it('when tried locally, then the local profile brings a platform database and a GCS emulator', () => {
    expect(s['platform-postgresql'].profiles).toEqual(['local']);
    expect(s['gcs-emulator'].profiles).toEqual(['local']);
    expect(s['gcs-emulator'].image).toBe('fsouza/fake-gcs-server:1.55.1');
    expect(s['reports-worker'].environment?.STORAGE_EMULATOR_HOST).toContain('STORAGE_EMULATOR_HOST');
  });
});
