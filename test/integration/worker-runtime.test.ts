// The worker process as production runs it: JSON log lines only, and the Temporal SDK's own metrics.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/ports';
import { createTestDatabase, testServices } from '../setup/services';

const ROOT = path.resolve(__dirname, '../..');

describe('npm run start:worker', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('when it runs with WORKER_METRICS_ADDRESS, then every line it prints is JSON and the SDK metrics are served', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const services = testServices();
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: services.temporalAddress, TEMPORAL_NAMESPACE: services.temporalNamespace,
        TEMPORAL_TASK_QUEUE: `reports-runtime-${process.pid}`, JWT_SECRET: 'x', LOCAL_STORAGE_DIR: path.join(ROOT, '.data', 'test-runtime'),
        WORKER_METRICS_ADDRESS: metricsAddress, LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 120_000;
    while (!out.includes('"worker polling"')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const metrics = await (await fetch(`http://${metricsAddress}/metrics`)).text();
    expect(metrics).toMatch(/^temporal_/m);

    child.kill('SIGTERM');
    expect(await exited, out).toBe(0);
    const lines = out.split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.map((l) => JSON.parse(l)).some((e) => e.sdk === 'temporal' && e.msg === 'Worker state changed')).toBe(true);
  }, 180_000);
});
