// Schedules' mails through a real SMTP server (Mailpit, built like the other Go tools): one per recipient, pt-BR,
// subject, link that downloads the report's file; a failed report's mail with its message; refused mail
// retried, then FAILED with the server's answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailpit, type Mailpit } from '../../dev/mailpit';
import { findTool } from '../../dev/tools';
import type { ReportStorage } from '../../src/storage/storage';
import { type CompanyFixture, createAccessLog, createCompany } from '../setup/rows';
import { startStack, type Stack } from '../setup/stack';
import { until } from '../setup/until';

interface MailSummary { ID: string; Subject: string; From: { Address: string; Name: string }; To: { Address: string }[] }

const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

describe('schedule mails', () => {
  let mailpit: Mailpit;
  let stack: Stack;
  let company: CompanyFixture;
  let token: string;
  let emails: { admin: string; supervisor: string };
  let storageFails = false;

  beforeAll(async () => {
    mailpit = await startMailpit({ binary: await findTool('mailpit'), chaos: true });
    stack = await startStack({
      mail: { smtpUrl: mailpit.smtpUrl, from: 'Relatórios <relatorios@localhost>' }, delivery: { retryDelaysSeconds: [1, 1] }, maxAttempts: 1,
      // A storage that can be made to refuse writes: the report then ends in ERROR.
      wrapWorkerStorage: (inner) => new Proxy(inner, {
        get(target, prop) {
          if (storageFails && ['put', 'compose', 'putPart', 'joinParts'].includes(prop as string)) return async () => { throw new Error('disco cheio'); };
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as ReportStorage,
    });
    company = await createCompany(stack.sql, 'Transportes Ágil & Cia');
    token = stack.tokenFor({ id: company.admin, companyId: company.id });
    const rows = await stack.sql<{ id: number; email: string }[]>`select id, email from users where id in (${company.admin}, ${company.supervisor})`;
    emails = { admin: rows.find((r) => r.id === company.admin)!.email, supervisor: rows.find((r) => r.id === company.supervisor)!.email };
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await mailpit?.stop();
  });

  const api = (path: string, method = 'GET', body?: unknown) =>
    stack.api(path, { method, token, body: body === undefined ? undefined : JSON.stringify(body) });
  const mailpitApi = async <T>(path: string, init?: RequestInit) => (await (await fetch(`${mailpit.uiUrl}${path}`, init)).json()) as T;
  const mailsTo = async (address: string) =>
    (await mailpitApi<{ messages: MailSummary[] }>('/api/v1/messages')).messages.filter((m) => m.To.some((t) => t.Address === address));
  const schedule = async (recipients: string[]) => {
    const res = await api('/api/report-schedules', 'POST', {
      name: 'Acessos de ontem', type: 'login_logout', filters: { period: 'last_7_days' }, cadence: { every: 'day', at: '07:00' },
      recipients: { emails: recipients },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };
  /** Runs a schedule now: its report, once READY. */
  const runNow = async (scheduleId: string) => {
    const report = (await (await api(`/api/report-schedules/${scheduleId}/run`, 'POST')).json()) as { id: string };
    expect((await stack.waitForReport(report.id, token)).status).toBe('READY');
    return report;
  };
  const deliveriesOf = async (id: string) => ((await (await api(`/api/report-schedules/${id}/deliveries`)).json()) as { deliveries: any[] }).deliveries;

  it('when a scheduled report is READY, then each recipient gets one pt-BR mail whose link downloads the file', async () => {
    const s = await schedule([emails.supervisor, emails.admin]);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await createAccessLog(stack.sql, company.id, { userId: company.admin, action: 'login', ip: '10.0.0.9', createdAt: yesterday });
    const run = await api(`/api/report-schedules/${s.id}/run`, 'POST');
    expect(run.status).toBe(202);
    const report = (await run.json()) as { id: string; filters: { from: string; to: string } };
    const done = await stack.waitForReport(report.id, token);
    expect(done.status).toBe('READY');

    const delivered = await until('mails delivered', async () => {
      const d = await deliveriesOf(s.id);
      return d.length === 2 && d.every((x) => x.status === 'DELIVERED') && d;
    });
    expect(delivered.map((d) => [d.channel, d.target, d.attempts, d.reportId]).sort()).toEqual(
      [['email', emails.admin, 1, report.id], ['email', emails.supervisor, 1, report.id]].sort(),
    );
    const period = `${ddmmyyyy(report.filters.from)} a ${ddmmyyyy(report.filters.to)}`;
    const toFile = new URL((await api(`/api/reports/${report.id}/download`)).headers.get('location')!, stack.baseUrl);
    const expected = Buffer.from(await (await fetch(toFile)).arrayBuffer());
    for (const address of [emails.supervisor, emails.admin]) {
      const mails = await mailsTo(address);
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail.Subject).toBe(`Relatório Login/Logout pronto — ${period}`);
      expect(mail.From).toEqual({ Name: 'Relatórios', Address: 'relatorios@localhost' });
      expect(mail.To.map((t) => t.Address)).toEqual([address]);
      const full = await mailpitApi<{ Text: string; HTML: string; Attachments: unknown[] }>(`/api/v1/message/${mail.ID}`);
      expect(full.Attachments).toEqual([]);
      expect(full.Text).toContain('Transportes Ágil & Cia');
      expect(full.Text).toContain(`Período: ${period}`);
      expect(full.Text).toMatch(/Linhas: 1\r?\n/);
      expect(full.HTML).toContain('Transportes Ágil &amp; Cia');
      const link = /Baixar: (\S+)/.exec(full.Text)![1];
      expect(full.HTML).toContain(`href="${link.replaceAll('&', '&amp;')}"`);
      const file = Buffer.from(await (await fetch(link)).arrayBuffer());
      expect(file.equals(expected)).toBe(true);
      expect(file.toString('utf8')).toContain('10.0.0.9');
    }
    await api(`/api/report-schedules/${s.id}`, 'DELETE');
  });

  it('when a scheduled report ends in ERROR, then the mail says so with its message', async () => {
    const s = await schedule([emails.supervisor]);
    storageFails = true;
    try {
      const report = (await (await api(`/api/report-schedules/${s.id}/run`, 'POST')).json()) as { id: string };
      const done = await stack.waitForReport(report.id, token);
      expect(done.status).toBe('ERROR');
      const [mail] = await until('failure mail', async () => {
        const m = (await mailsTo(emails.supervisor)).filter((x) => x.Subject.includes('não pôde ser gerado'));
        return m.length > 0 && m;
      });
      expect(mail.Subject).toMatch(/^Relatório Login\/Logout não pôde ser gerado — \d{2}\/\d{2}\/\d{4} a \d{2}\/\d{2}\/\d{4}$/);
      const full = await mailpitApi<{ Text: string }>(`/api/v1/message/${mail.ID}`);
      expect(full.Text).toContain(`Motivo: ${done.error.message}`);
      expect(full.Text).not.toContain('http');
    } finally {
      storageFails = false;
    }
    await api(`/api/report-schedules/${s.id}`, 'DELETE');
  });

  it('when the SMTP server refuses the mail, then it is retried and ends FAILED with the server\'s answer', async () => {
    const s = await schedule([emails.admin]);
    await fetch(`${mailpit.uiUrl}/api/v1/chaos`, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Recipient: { ErrorCode: 550, Probability: 100 } }),
    });
    try {
      const before = (await mailsTo(emails.admin)).length;
      await runNow(s.id);
      const [failed] = await until('mail failed', async () => {
        const d = await deliveriesOf(s.id);
        return d[0]?.status === 'FAILED' && d;
      });
      expect(failed).toMatchObject({ channel: 'email', target: emails.admin, attempts: 3, deliveredAt: null });
      expect(failed.lastError).toBe('O servidor de e-mail recusou: 550 Chaos recipient error');
      expect(await mailsTo(emails.admin)).toHaveLength(before);

      // The relay accepts again: the FAILED mail is sent again on request, once.
      await fetch(`${mailpit.uiUrl}/api/v1/chaos`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Recipient: { ErrorCode: 550, Probability: 0 } }),
      });
      const retry = await api(`/api/report-schedules/${s.id}/deliveries/${failed.id}/retry`, 'POST');
      expect(retry.status).toBe(202);
      const [sent] = await until('mail redelivered', async () => {
        const d = await deliveriesOf(s.id);
        return d[0]?.status === 'DELIVERED' && d;
      });
      expect(sent).toMatchObject({ id: failed.id, attempts: 4, lastError: null });
      expect(await mailsTo(emails.admin)).toHaveLength(before + 1);
      expect((await api(`/api/report-schedules/${s.id}/deliveries/${failed.id}/retry`, 'POST')).status).toBe(409);
    } finally {
      await fetch(`${mailpit.uiUrl}/api/v1/chaos`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Recipient: { ErrorCode: 550, Probability: 0 } }),
      });
    }
    await api(`/api/report-schedules/${s.id}`, 'DELETE');
  });

  it('when a recipient has left the company since, then no mail is sent to them and their delivery says why', async () => {
    const s = await schedule([emails.supervisor]);
    await stack.sql`update users set deleted_at = now() where id = ${company.supervisor}`;
    try {
      const before = (await mailsTo(emails.supervisor)).length;
      await runNow(s.id);
      const [d] = await until('delivery recorded', async () => {
        const list = await deliveriesOf(s.id);
        return list.length > 0 && list;
      });
      expect(d).toMatchObject({ status: 'FAILED', attempts: 0, lastError: expect.stringMatching(/não é mais um usuário ativo/) });
      expect(await mailsTo(emails.supervisor)).toHaveLength(before);
    } finally {
      await stack.sql`update users set deleted_at = null where id = ${company.supervisor}`;
    }
    await api(`/api/report-schedules/${s.id}`, 'DELETE');
  });
});
