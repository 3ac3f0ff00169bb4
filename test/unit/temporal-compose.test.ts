// temporal-compose.yml cannot run here (no Docker engine); its structure is checked instead.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT_VARIABLES } from '../../src/config';

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
    expect(s['temporal-ui'].ports).toContain('8233:8080');
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
