// Permissions per report type: an admin restricts a type to profiles; others get 403 on asking for it, and its
// reports vanish for them (lists, ids, downloads, deletes answer as if missing). Through HTTP on real services.
import { beforeAll, describe, expect, it } from 'vitest';
import { createContact, createTicket } from '../setup/rows';
import { profileTokens, useCompany, useStack } from '../setup/reports-api';

const SUMMARY = { type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } };

describe('report permissions', () => {
  const stack = useStack();
  const a = useCompany(stack, 'Permissões A');
  const b = useCompany(stack, 'Permissões B');
  let tokens: Record<'adminA' | 'supervisorA' | 'userA' | 'adminB' | 'userB', string>;
  let ticketId: number;

  beforeAll(async () => {
    tokens = profileTokens(stack, a, b);
    const contact = await createContact(stack.sql, a.id, 'Cliente', '5511900001111');
    ticketId = await createTicket(stack.sql, a.id, { contactId: contact, whatsappId: a.whatsapp, createdAt: '2026-10-02T12:00:00Z' });
  }, 120_000);

  const put = (token: string, type: string, body: unknown) =>
    stack.api(`/api/report-permissions/${type}`, { method: 'PUT', token, body: JSON.stringify(body) });
  const post = (token: string, body: unknown) => stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify(body) });
  const permissionsOf = async (token: string) =>
    ((await (await stack.api('/api/report-permissions', { token })).json()) as { permissions: any[] }).permissions;

  it('when nothing was configured, then every profile may use every type', async () => {
    const permissions = await permissionsOf(tokens.userA);
    expect(permissions).toHaveLength(10);
    for (const p of permissions) expect(p).toMatchObject({ profiles: ['admin', 'supervisor', 'user'], restricted: false, allowed: true });
  });

  it('when a supervisor or a user tries to change permissions, then 403 and nothing changes', async () => {
    for (const token of [tokens.supervisorA, tokens.userA]) {
      const res = await put(token, 'ticket_summary', { profiles: ['admin'] });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/administradores/);
    }
    const [{ count }] = await stack.sql<{ count: number }[]>`select count(*)::int as count from reports.report_permissions`;
    expect(count).toBe(0);
  });

  it('when the admin sends an unknown type or profile, then 404 and 400 naming the field', async () => {
    expect((await put(tokens.adminA, 'no_such_report', { profiles: ['admin'] })).status).toBe(404);
    const bad = await put(tokens.adminA, 'ticket_summary', { profiles: ['root'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0].path).toBe('profiles.0');
  });

  it('when the admin restricts a type, then others get 403 on it, do not see its reports, and get 404 on their ids', async () => {
    const created = await post(tokens.adminA, SUMMARY);
    expect(created.status).toBe(202);
    const report = (await created.json()) as { id: string };
    await stack.waitForReport(report.id, tokens.adminA);

    const res = await put(tokens.adminA, 'ticket_summary', { profiles: ['supervisor'] });
    expect(res.status).toBe(200);
    // Admin is always allowed, even when not named.
    expect(await res.json()).toMatchObject({ type: 'ticket_summary', profiles: ['admin', 'supervisor'], restricted: true, allowed: true });
    expect((await permissionsOf(tokens.userA)).find((p) => p.type === 'ticket_summary')).toMatchObject({ allowed: false });

    // The user: 403 on asking, and the report is as missing as another company's.
    const refused = await post(tokens.userA, SUMMARY);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/não tem permissão/);
    const list = (await (await stack.api('/api/reports', { token: tokens.userA })).json()) as { reports: { id: string }[] };
    expect(list.reports.map((r) => r.id)).not.toContain(report.id);
    for (const [method, path] of [['GET', ''], ['GET', '/download'], ['DELETE', '']] as const) {
      expect((await stack.api(`/api/reports/${report.id}${path}`, { method, token: tokens.userA })).status).toBe(404);
    }

    // The supervisor and the admin still see and use it.
    for (const token of [tokens.supervisorA, tokens.adminA]) {
      expect((await stack.api(`/api/reports/${report.id}`, { token })).status).toBe(200);
      const visible = (await (await stack.api('/api/reports?type=ticket_summary', { token })).json()) as { reports: { id: string }[] };
      expect(visible.reports.map((r) => r.id)).toContain(report.id);
    }
    expect((await post(tokens.supervisorA, SUMMARY)).status).toBe(202);

    // Another company is not affected by A's settings.
    expect((await post(tokens.userB, SUMMARY)).status).toBe(202);
    expect((await permissionsOf(tokens.adminB)).find((p) => p.type === 'ticket_summary')).toMatchObject({ restricted: false });

    // Allowing every profile again is the default: the user sees the report again.
    const reopened = await put(tokens.adminA, 'ticket_summary', { profiles: ['admin', 'supervisor', 'user'] });
    expect(await reopened.json()).toMatchObject({ restricted: false, allowed: true });
    expect((await stack.api(`/api/reports/${report.id}`, { token: tokens.userA })).status).toBe(200);
  });

  it('when ticket_detail is restricted to admins, then a supervisor exporting a ticket gets 403', async () => {
    expect((await put(tokens.adminA, 'ticket_detail', { profiles: [] })).status).toBe(200);
    const res = await stack.api(`/api/tickets/${ticketId}/export`, { method: 'POST', token: tokens.supervisorA });
    expect(res.status).toBe(403);
    const [{ count }] = await stack.sql<{ count: number }[]>`
      select count(*)::int as count from reports.reports where type = 'ticket_detail'`;
    expect(count).toBe(0);
  });
});
