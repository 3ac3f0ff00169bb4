// DELETE of a processing report stops its work in PostgreSQL, not only in Temporal: a COPY that waits on
// a lock (and so sends nothing to notice a cancellation by) is cancelled on the server within seconds, and
// the company's processing slot stays taken until the work has really stopped.
import { beforeAll, describe, expect, it } from 'vitest';
import { createContact, createTicket } from '../setup/rows';
import { useStack, useCompany } from '../setup/reports-api';
import { until } from '../setup/until';

const LIMIT = 5;

describe('cancelling processing reports', () => {
  const stack = useStack({ maxProcessingPerCompany: LIMIT });
  const company = useCompany(stack, 'Cancela de Verdade');

  beforeAll(async () => {
    const contact = await createContact(stack.sql, company.id, 'Cliente', '5511900001111');
    await createTicket(stack.sql, company.id, { contactId: contact, whatsappId: company.whatsapp, createdAt: '2026-10-02T12:00:00Z' });
  }, 120_000);

  const post = () => stack.api('/api/reports', {
    method: 'POST', token: company.token, body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } }),
  });
  /** Report statements still in PostgreSQL (every one starts with the tenant prelude). */
  const reportStatements = async () => {
    const [{ n }] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' and query like '%companies as not materialized%'`;
    return n;
  };

  it('when 5 exports waiting on a lock are deleted, then their statements end within seconds and the slots free only then', async () => {
    const locker = await stack.sql.reserve();
    try {
      await locker`begin`;
      await locker`lock table public.tickets in access exclusive mode`;
      const ids: string[] = [];
      for (let i = 0; i < LIMIT; i++) {
        const res = await post();
        expect(res.status).toBe(202);
        ids.push(((await res.json()) as { id: string }).id);
      }
      // Every export is in PostgreSQL, waiting for the lock.
      await until('the exports waiting on the lock', async () => (await reportStatements()) >= LIMIT, 30_000);
      expect((await post()).status).toBe(429);

      for (const id of ids) expect((await stack.api(`/api/reports/${id}`, { method: 'DELETE', token: company.token })).status).toBe(204);
      const deletedAt = Date.now();
      // Gone from the list at once, but their work still holds the slots: no new export yet.
      expect(((await (await stack.api('/api/reports', { token: company.token })).json()) as { reports: unknown[] }).reports).toEqual([]);
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBeTruthy();

      // PostgreSQL stops their statements while the lock is still held.
      await until('no report statement left', async () => (await reportStatements()) === 0, 10_000);
      expect(Date.now() - deletedAt).toBeLessThan(10_000);
      // Once their workflows have cleaned up, the slots are free again.
      await until('the slots released', async () => {
        const [{ n }] = await stack.sql<{ n: number }[]>`select count(*)::int as n from reports.cancellations where company_id = ${company.id}`;
        return n === 0;
      }, 20_000);
      await locker`commit`;
      const accepted = await post();
      expect(accepted.status).toBe(202);
      const { id } = (await accepted.json()) as { id: string };
      expect((await stack.waitForReport(id, company.token)).status).toBe('READY');
    } finally {
      await locker`rollback`.catch(() => {});
      locker.release();
    }
  }, 90_000);
});
