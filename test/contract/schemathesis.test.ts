// schemathesis (a property-based API tester, from PyPI) against the running module, driven by our own
// OpenAPI document: no server errors, and status codes, content types, headers and bodies as documented.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompany, createContact, createQueue, createTicket } from '../setup/rows';
import { newWebhookSecret } from '../../src/delivery/webhook-message';
import { selectSchedules, syncSchedule, type ScheduleRow } from '../../src/schedules/store';
import { startStack, type Stack } from '../setup/stack';
import { startWebhookReceiver, type WebhookReceiver } from '../setup/webhook-receiver';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
/** The ids schemathesis.toml offers for the schedule and webhook-endpoint path parameters. */
const FIXTURE = {
  endpoint: 'c0de0000-0000-4000-8000-00000000e001',
  schedule: 'c0de0000-0000-4000-8000-00000000a001',
  endpointDelivery: 'c0de0000-0000-4000-8000-00000000d001',
  scheduleDelivery: 'c0de0000-0000-4000-8000-00000000d002',
};
/** Test cases per operation: enough to reach every documented answer, bounded so the run takes a few minutes. */
const MAX_EXAMPLES = 200;

describe('schemathesis against the OpenAPI document', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let cli: string;
  let token: string;

  beforeAll(async () => {
    // Creates the virtual environment on a machine that lacks it (once; later runs find it at once).
    cli = (await run(path.join(ROOT, 'scripts', 'setup-schemathesis.sh'), { timeout: 600_000 })).stdout.trim();
    stack = await startStack();
    const company = await createCompany(stack.sql, 'Contrato');
    const queue = await createQueue(stack.sql, company.id, 'Suporte');
    const contact = await createContact(stack.sql, company.id, 'Maria', '5511988887777');
    await createTicket(stack.sql, company.id, { contactId: contact, whatsappId: company.whatsapp, createdAt: '2026-10-01T12:00:00Z', queueId: queue });
    token = stack.tokenFor({ id: company.admin, companyId: company.id });
    // Something for every list to show and every {id} to find: an endpoint on a receiver that answers at
    // once (POST …/test waits for its first attempt), a schedule sending to it, and a FAILED delivery of
    // each that may be sent again. Their ids are fixed: schemathesis.toml offers them as path parameters.
    receiver = await startWebhookReceiver();
    await stack.sql`
      insert into reports.webhook_endpoints (id, company_id, url, description, events, secret, created_by)
      values (${FIXTURE.endpoint}, ${company.id}, ${receiver.url()}, 'Contrato', ${['report.ready', 'report.failed']}, ${newWebhookSecret()}, ${company.admin})`;
    await stack.sql`
      insert into reports.report_schedules (id, company_id, name, type, filters, format, cadence, webhook_endpoint_ids, created_by, sync_state)
      values (${FIXTURE.schedule}, ${company.id}, 'Licenças toda segunda', 'licenses', ${stack.sql.json({ month: 'previous' })}, 'csv',
              ${stack.sql.json({ every: 'week', weekday: 1, at: '08:00' })}, ${[FIXTURE.endpoint]}::uuid[], ${company.admin}, 'updating')`;
    const [schedule] = await stack.sql<ScheduleRow[]>`${selectSchedules(stack.sql)} where s.id = ${FIXTURE.schedule}`;
    await syncSchedule(stack.sql, { client: stack.workflows.client, temporal: { taskQueue: stack.taskQueue } }, schedule);
    await stack.sql`
      insert into reports.deliveries (id, company_id, schedule_id, endpoint_id, channel, target, event, body, status, attempts, last_error)
      values (${FIXTURE.endpointDelivery}, ${company.id}, null, ${FIXTURE.endpoint}, 'webhook', ${receiver.url()}, 'webhook.test', '{}', 'FAILED', 7, 'HTTP 500'),
             (${FIXTURE.scheduleDelivery}, ${company.id}, ${FIXTURE.schedule}, ${FIXTURE.endpoint}, 'webhook', ${receiver.url()}, 'report.failed', '{}', 'FAILED', 7, 'HTTP 503')`;
  }, 660_000);

  function schemathesis(args: string[]): Promise<{ code: number; out: string }> {
    return run(cli, args, { cwd: ROOT, timeout: 840_000, maxBuffer: 64 * 1024 * 1024 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    );
  }

  afterAll(async () => {
    await receiver?.close();
    await stack?.stop();
  }, 60_000);

  it('when schemathesis runs its default checks on every operation, then none fails', async () => {
    const args = [
      '--no-color', '--config-file', path.join(__dirname, 'schemathesis.toml'),
      'run', `${stack.baseUrl}/api/openapi.json`,
      '--header', `Authorization: Bearer ${token}`,
      '--max-examples', String(MAX_EXAMPLES),
      '--seed', '1',
      '--workers', '1',
      '--request-timeout', '20',
    ];
    const result = await schemathesis(args);
    const summary = result.out.split('\n').filter((l) => /^=+ .* in [\d.]+s =+$/.test(l.trim())).slice(-1)[0] ?? '';
    console.log(`schemathesis: ${summary.trim()}`);
    expect(result.code, result.out.slice(-20_000)).toBe(0);
  }, 900_000);

  it('when the document says something the API does not do, then schemathesis fails (the check can fail)', async () => {
    const doc = (await (await fetch(`${stack.baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, any> };
    const entry = doc.paths['/api/report-types'].get.responses[200].content['application/json'].schema.properties.reportTypes.items;
    entry.properties.name = { type: 'integer' };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'openapi-tampered-'));
    try {
      writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(doc));
      const result = await schemathesis([
        '--no-color', 'run', path.join(dir, 'openapi.json'), '--url', stack.baseUrl, '--header', `Authorization: Bearer ${token}`,
        '--include-path', '/api/report-types', '--include-method', 'GET', '--max-examples', '1', '--phases', 'examples,fuzzing',
      ]);
      expect(result.code, result.out).not.toBe(0);
      expect(result.out).toContain('Response violates schema');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
