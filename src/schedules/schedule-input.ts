// What a schedule may say: checked exactly like POST /api/reports for its filters, plus cadence and recipients.
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { AppError, type FieldError } from '../errors';
import { findReport, type ReportDefinition } from '../reports';
import { applyPeriod } from '../reports/period';
import type { CurrentUser } from '../api/auth';
import { userMayUse } from '../api/permissions';
import { fieldErrors } from '../api/problems';
import { cadenceSchema, type Cadence } from './cadence';
import { formatsOf } from '../reports';

export const MAX_SCHEDULES_PER_COMPANY = 20;
export const MAX_EMAILS_PER_SCHEDULE = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const recipientsSchema = z.strictObject({
  emails: z.array(z.string({ error: 'deve ser um e-mail' }).max(254, { message: 'no máximo 254 caracteres' }), { error: 'deve ser uma lista de e-mails' })
    .max(MAX_EMAILS_PER_SCHEDULE, { message: `no máximo ${MAX_EMAILS_PER_SCHEDULE} destinatários` }).optional(),
  webhookEndpointIds: z.array(z.string({ error: 'deve ser o id de um endpoint' }).regex(UUID, { message: 'deve ser o id de um endpoint' }), { error: 'deve ser uma lista de ids de endpoints' })
    .max(10, { message: 'no máximo 10 endpoints' }).optional(),
}, { error: 'deve ser um objeto { emails, webhookEndpointIds }' });

const fields = {
  name: z.string({ error: 'deve ser um texto' }).trim().min(1, { message: 'obrigatório' }).max(100, { message: 'no máximo 100 caracteres' }),
  type: z.string({ error: 'deve ser um tipo de relatório' }),
  filters: z.record(z.string(), z.unknown(), { error: 'deve ser um objeto de filtros' }),
  format: z.string({ error: 'deve ser um formato' }).optional(),
  cadence: cadenceSchema,
  recipients: recipientsSchema.optional(),
  paused: z.boolean({ error: 'deve ser true ou false' }).optional(),
};
export const createScheduleBody = z.strictObject(fields);
export const patchScheduleBody = z.strictObject({
  name: fields.name.optional(), type: fields.type.optional(), filters: fields.filters.optional(), format: fields.format,
  cadence: fields.cadence.optional(), recipients: fields.recipients, paused: fields.paused,
});

/** Every type but the Ticket Detail (the PDF of one ticket, which a cadence cannot name). */
export function isSchedulable(report: ReportDefinition): boolean {
  return report.type !== 'ticket_detail';
}

export interface ScheduleInput {
  name: string;
  type: string;
  filters: Record<string, unknown>;
  format?: string;
  cadence: Cadence;
  recipients?: { emails?: string[]; webhookEndpointIds?: string[] };
  paused?: boolean;
}

export interface ValidSchedule {
  name: string;
  report: ReportDefinition;
  filters: Record<string, unknown>;
  format: string;
  cadence: Cadence;
  emails: string[];
  webhookEndpointIds: string[];
  paused: boolean;
}

/** The whole schedule checked: 403 for a type the user may not use, 400 naming every wrong field. */
export async function validateSchedule(sql: Sql, user: CurrentUser, input: ScheduleInput, timezone: string): Promise<ValidSchedule> {
  const report = findReport(input.type);
  if (!report) throw AppError.badRequest('O agendamento é inválido.', [{ path: 'type', message: 'type: tipo de relatório desconhecido' }]);
  if (!isSchedulable(report)) {
    throw AppError.badRequest('O agendamento é inválido.', [{ path: 'type', message: 'type: o Detalhe do Ticket (um ticket em PDF) não pode ser agendado' }]);
  }
  if (!(await userMayUse(sql, user, report.type))) {
    throw AppError.forbidden(`O seu perfil (${user.profile}) não tem permissão para agendar o relatório ${report.name}.`);
  }
  const problems: FieldError[] = [];
  const format = input.format ?? report.format;
  const formats: readonly string[] = formatsOf(report);
  if (!formats.includes(format)) problems.push({ path: 'format', message: `format: o relatório ${report.name} é gerado em ${formats.join(' ou ')}` });

  // The filters as POST /api/reports would take them now; the period stays relative in the schedule.
  const withPeriod = applyPeriod(report, input.filters, { timezone, now: new Date() });
  problems.push(...withPeriod.problems);
  if (!withPeriod.problems.length) {
    const parsed = report.filters.safeParse(withPeriod.filters);
    if (!parsed.success) problems.push(...fieldErrors(parsed.error, 'filters'));
    else problems.push(...((await report.checkFilters?.(sql, user.companyId, parsed.data)) ?? []));
  }

  const emails = (input.recipients?.emails ?? []).map((e) => e.trim().toLowerCase());
  if (emails.length) {
    const rows = await sql<{ email: string }[]>`
      select lower(email) as email from public.users
      where company_id = ${user.companyId} and deleted_at is null and lower(email) = any(${emails}::text[])`;
    const known = new Set(rows.map((r) => r.email));
    emails.forEach((email, i) => {
      const path = `recipients.emails.${i}`;
      if (emails.indexOf(email) !== i) problems.push({ path, message: `${path}: e-mail repetido` });
      else if (!known.has(email)) problems.push({ path, message: `${path}: não é o e-mail de um usuário ativo desta empresa` });
    });
  }
  const endpointIds = input.recipients?.webhookEndpointIds ?? [];
  if (endpointIds.length) {
    const rows = await sql<{ id: string }[]>`
      select id from reports.webhook_endpoints where company_id = ${user.companyId} and id = any(${endpointIds}::uuid[])`;
    const known = new Set(rows.map((r) => r.id));
    endpointIds.forEach((id, i) => {
      const path = `recipients.webhookEndpointIds.${i}`;
      if (!known.has(id.toLowerCase())) problems.push({ path, message: `${path}: o endpoint ${id} não existe nesta empresa` });
    });
  }
  if (problems.length) throw AppError.badRequest('O agendamento é inválido.', problems);
  return {
    name: input.name, report, filters: input.filters, format, cadence: input.cadence, emails,
    webhookEndpointIds: endpointIds.map((id) => id.toLowerCase()), paused: input.paused ?? false,
  };
}
