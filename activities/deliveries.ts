// Deliveries of finished reports: which messages a report's end makes, and one attempt at sending one.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../src/db/connection';
import type { AddressRules } from '../src/delivery/address-rules';
import { DEFAULT_RETRY_DELAYS_SECONDS, webhookBody, type DeliveryWorkflowInput } from '../src/delivery/deliveries';
import { createMailSender, DEFAULT_MAIL_FROM, type MailSettings } from '../src/delivery/mail-sender';
import { reportMail, type MailContent } from '../src/delivery/report-mail';
import { sendWebhook } from '../src/delivery/webhook-message';
import { selectReports, toResource, type ReportRow } from '../src/api/report-resource';
import type { Logger } from '../src/log';
import type { ReportStorage } from '../src/storage/storage';

export interface DeliveryDeps {
  sql: Sql;
  storage: ReportStorage;
  log?: Logger;
  /** WEBHOOK_ALLOW_PRIVATE and production's https-only rule, applied again at every send. */
  webhookRules?: AddressRules;
  /** DELIVERY_RETRY_DELAYS: the waits between attempts (tests shorten them). */
  retryDelaysSeconds?: number[];
  /** SMTP_URL and MAIL_FROM: where schedules' mails go out. */
  mail?: MailSettings;
}

/** The schedule's recipients still active in the company get the mail; one who left gets none (FAILED, said why). */
async function planMailsFor(sql: Sql, storage: ReportStorage, row: ReportRow, event: string): Promise<void> {
  if (!row.scheduleId) return;
  const [schedule] = await sql<{ emails: string[] }[]>`
    select emails from reports.report_schedules where id = ${row.scheduleId} and company_id = ${row.companyId}`;
  if (!schedule || schedule.emails.length === 0) return;
  const [company] = await sql<{ name: string; timezone: string }[]>`select name, timezone from public.companies where id = ${row.companyId}`;
  const active = new Set((await sql<{ email: string }[]>`
    select lower(email) as email from public.users
    where company_id = ${row.companyId} and deleted_at is null and lower(email) = any(${schedule.emails}::text[])`).map((u) => u.email));
  const announced = await announcedReport(sql, storage, row);
  const mail = reportMail({
    name: announced.name, status: row.status === 'READY' ? 'READY' : 'ERROR', filters: row.filters, createdAt: row.createdAt,
    rowCount: row.rowCount, sizeBytes: row.sizeBytes, expiresAt: row.expiresAt,
    downloadUrl: 'downloadUrl' in announced ? announced.downloadUrl : undefined, errorMessage: row.errorMessage,
  }, company);
  for (const email of schedule.emails) {
    const gone = !active.has(email);
    await sql`
      insert into reports.deliveries (id, company_id, report_id, schedule_id, channel, target, event, body, status, last_error)
      values (${randomUUID()}, ${row.companyId}, ${row.id}, ${row.scheduleId}, 'email', ${email}, ${event}, ${JSON.stringify(mail)},
              ${gone ? 'FAILED' : 'PENDING'}, ${gone ? 'O destinatário não é mais um usuário ativo desta empresa: nada foi enviado.' : null})
      on conflict (report_id, target) where channel = 'email' do nothing`;
  }
}

/** The report resource a webhook announces; a READY one carries its signed link, valid until `expiresAt`. */
export async function announcedReport(sql: Sql, storage: ReportStorage, row: ReportRow) {
  const resource = toResource(row);
  if (row.status !== 'READY' || !row.objectKey || !row.expiresAt || !row.fileName) return resource;
  const downloadUrl = await storage.signedUrl(row.objectKey, row.expiresAt, row.fileName, row.finishedAt ?? undefined);
  return { ...resource, downloadUrl };
}

export function createDeliveryActivities(deps: DeliveryDeps) {
  const { sql, storage } = deps;
  const rules = deps.webhookRules ?? { allowPrivate: true, httpsOnly: false };
  const retryDelaysSeconds = deps.retryDelaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS;
  const mailer = createMailSender(deps.mail ?? { smtpUrl: undefined, from: DEFAULT_MAIL_FROM });
  const planMails = (row: ReportRow, event: string) => planMailsFor(sql, storage, row, event);
  return {
    /**
     * The messages that announce a finished report: to its company's endpoints subscribed to the event (and
     * those its schedule names), and a mail to each of its schedule's recipients. Idempotent: a retried call
     * finds the deliveries made by the first (one per report and endpoint, one per report and address).
     */
    async planReportDeliveries(reportId: string): Promise<DeliveryWorkflowInput[]> {
      const [row] = await sql<ReportRow[]>`${selectReports(sql)} where r.id = ${reportId}`;
      if (!row || (row.status !== 'READY' && row.status !== 'ERROR')) return [];
      const event = row.status === 'READY' ? 'report.ready' : 'report.failed';
      // The company's endpoints subscribed to the event, and those its schedule names (for this report's company only).
      const endpoints = await sql<{ id: string; url: string }[]>`
        select e.id, e.url from reports.webhook_endpoints e
        where e.company_id = ${row.companyId}
          and (${event} = any(e.events) or e.id = any(
            select unnest(s.webhook_endpoint_ids) from reports.report_schedules s
            where s.id = ${row.scheduleId} and s.company_id = ${row.companyId}))
        order by e.created_at`;
      if (endpoints.length) {
        const body = webhookBody(event, row.finishedAt ?? new Date(), await announcedReport(sql, storage, row));
        for (const endpoint of endpoints) {
          await sql`
            insert into reports.deliveries (id, company_id, report_id, schedule_id, endpoint_id, channel, target, event, body)
            values (${randomUUID()}, ${row.companyId}, ${reportId}, ${row.scheduleId}, ${endpoint.id}, 'webhook', ${endpoint.url}, ${event}, ${body})
            on conflict (report_id, endpoint_id) where endpoint_id is not null and report_id is not null do nothing`;
        }
      }
      await planMails(row, event);
      const deliveries = await sql<{ id: string; channel: 'email' | 'webhook' }[]>`
        select id, channel from reports.deliveries where report_id = ${reportId} and status = 'PENDING' order by created_at, id`;
      return deliveries.map((d) => ({ deliveryId: d.id, companyId: row.companyId, channel: d.channel, retryDelaysSeconds }));
    },

    /**
     * One attempt of a webhook delivery, recorded. `done` when there is nothing more to do: delivered (now
     * or by an earlier attempt whose completion was lost), or the delivery or its endpoint is gone.
     */
    async attemptWebhookDelivery(deliveryId: string): Promise<{ done: boolean }> {
      const [d] = await sql<{ status: string; body: string; url: string; secret: string; companyId: number }[]>`
        select d.status, d.body, e.url, e.secret, d.company_id as "companyId"
        from reports.deliveries d join reports.webhook_endpoints e on e.id = d.endpoint_id
        where d.id = ${deliveryId}`;
      if (!d || d.status !== 'PENDING') return { done: true };
      const [{ attempts }] = await sql<{ attempts: number }[]>`
        update reports.deliveries set attempts = attempts + 1 where id = ${deliveryId} returning attempts`;
      const result = await sendWebhook({ url: d.url, secret: d.secret }, { id: deliveryId, body: d.body }, rules);
      await sql.begin(async (tx) => {
        await tx`insert into reports.delivery_attempts (delivery_id, attempt, http_status, error)
                 values (${deliveryId}, ${attempts}, ${result.httpStatus}, ${result.error})
                 on conflict do nothing`;
        await tx`update reports.deliveries set
                   status = ${result.ok ? 'DELIVERED' : 'PENDING'}, last_error = ${result.error},
                   delivered_at = ${result.ok ? sql`now()` : null}
                 where id = ${deliveryId} and status = 'PENDING'`;
      });
      deps.log?.info(result.ok ? 'webhook delivered' : 'webhook attempt failed', {
        deliveryId, companyId: d.companyId, attempt: attempts, httpStatus: result.httpStatus,
      });
      return { done: result.ok };
    },

    /** One attempt of a mail, recorded like a webhook's; the server's refusal is kept in `lastError`. */
    async attemptEmailDelivery(deliveryId: string): Promise<{ done: boolean }> {
      const [d] = await sql<{ status: string; body: string; target: string; companyId: number }[]>`
        select status, body, target, company_id as "companyId" from reports.deliveries where id = ${deliveryId} and channel = 'email'`;
      if (!d || d.status !== 'PENDING') return { done: true };
      const [{ attempts }] = await sql<{ attempts: number }[]>`
        update reports.deliveries set attempts = attempts + 1 where id = ${deliveryId} returning attempts`;
      const result = await mailer.send(d.target, JSON.parse(d.body) as MailContent, deliveryId);
      await sql.begin(async (tx) => {
        await tx`insert into reports.delivery_attempts (delivery_id, attempt, error) values (${deliveryId}, ${attempts}, ${result.error})
                 on conflict do nothing`;
        await tx`update reports.deliveries set status = ${result.ok ? 'DELIVERED' : 'PENDING'}, last_error = ${result.error},
                   delivered_at = ${result.ok ? sql`now()` : null}
                 where id = ${deliveryId} and status = 'PENDING'`;
      });
      deps.log?.info(result.ok ? 'mail delivered' : 'mail attempt failed', { deliveryId, companyId: d.companyId, attempt: attempts });
      return { done: result.ok };
    },

    /** The last attempt failed too: the delivery ends FAILED, keeping the last answer in `lastError`. */
    async failDelivery(deliveryId: string): Promise<void> {
      await sql`update reports.deliveries set status = 'FAILED' where id = ${deliveryId} and status = 'PENDING'`;
    },
  };
}
