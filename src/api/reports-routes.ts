// /api/reports: request, list, read and download reports.
import { Router } from 'express';
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import { deleteFinishedReport, deleteReportFiles } from '../lifecycle/retention';
import { REPORTS, findReport, formatsOf } from '../reports';
import type { ReportStorage } from '../storage/storage';
import type { ReportWorkflows } from '../temporal/client';
import { currentUser, type CurrentUser } from './auth';
import { createReport, idempotencyKeyOf, sendCreated } from './create-report';
import { visibleTo } from './permissions';
import { RETRY_AFTER, json, problem, ref, type ApiOperation, type JsonSchema, type OperationSource } from './openapi';
import { fieldErrors } from './problems';
import { reportResource, selectReports, toResource, type ReportRow } from './report-resource';

export interface ReportRoutesDeps {
  sql: Sql;
  storage: ReportStorage;
  workflows: ReportWorkflows;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  maxProcessingPerCompany?: number;
  /** HEAVY_REPORT_DAYS (src/reports/lanes.ts; 7 by default). */
  heavyReportDays?: number;
}

/** A registered type, read from the registry when a request is validated (types can be added at run time). */
const reportType = z.string().superRefine((type, ctx) => {
  if (!findReport(type)) ctx.addIssue({ code: 'custom', message: `type: deve ser um destes tipos: ${REPORTS.map((r) => r.type).join(', ')}` });
});

const createBody = z.strictObject({
  type: reportType,
  // Taken as sent: z.record() would drop a `__proto__` key silently, and each report's own strict schema
  // is what refuses unknown fields (`filters.__proto__: campo desconhecido`).
  filters: z
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'filters: deve ser um objeto' })
    .optional()
    .default({}),
  // Which formats a type offers is checked against the type itself (createReport): `format` names the field.
  format: z.enum(['csv', 'xlsx', 'pdf'], { error: 'format: deve ser csv, xlsx ou pdf' }).optional(),
});

const listQuery = z.strictObject({
  type: reportType.optional(),
  status: z.enum(['PROCESSING', 'READY', 'ERROR'], { error: 'status: deve ser PROCESSING, READY ou ERROR' }).optional(),
});

export const reportList = z.object({ reports: z.array(reportResource) });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function reportRoutes(deps: ReportRoutesDeps): Router {
  const { sql, storage } = deps;
  const router = Router();

  router.post('/reports', async (req, res) => {
    const body = createBody.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('O pedido de relatório é inválido.', fieldErrors(body.error));
    const idempotencyKey = idempotencyKeyOf(req);
    sendCreated(res, await createReport(deps, currentUser(req), findReport(body.data.type)!, body.data.filters, { idempotencyKey, format: body.data.format }));
  });

  router.get('/reports', async (req, res) => {
    const user = currentUser(req);
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw AppError.badRequest('Os parâmetros da lista são inválidos.', fieldErrors(query.error));
    const { type, status } = query.data;
    const rows = await sql<ReportRow[]>`
      ${selectReports(sql)}
      where ${visibleTo(sql, user)}
        ${type ? sql`and r.type = ${type}` : sql``}
        ${status ? sql`and r.status = ${status}` : sql``}
      order by r.created_at desc, r.id desc
      limit 500`;
    res.json({ reports: rows.map(toResource) });
  });

  router.get('/reports/:id', async (req, res) => {
    const row = await findVisibleReport(sql, currentUser(req), req.params.id);
    if (!row) throw AppError.notFound();
    res.json(toResource(row));
  });

  router.get('/reports/:id/download', async (req, res) => {
    const row = await findVisibleReport(sql, currentUser(req), req.params.id);
    if (!row) throw AppError.notFound();
    if (row.status !== 'READY') {
      throw AppError.conflict(
        row.status === 'PROCESSING' ? 'O relatório ainda está em processamento.' : 'O relatório terminou com erro e não tem arquivo.',
      );
    }
    if (row.expired || !row.objectKey || !row.expiresAt) {
      throw AppError.gone('O link deste relatório expirou (24 horas após a geração). Gere o relatório novamente.');
    }
    const url = await storage.signedUrl(row.objectKey, row.expiresAt, row.fileName ?? 'relatorio', row.finishedAt ?? undefined);
    res.redirect(302, url);
  });

  // A processing report: its run is cancelled (the export stops at its next heartbeat and the run removes
  // what it wrote) and the record goes at once. A finished one: file, then record. Either way 204 and,
  // through the record's trigger, `report.deleted` to every stream of the company.
  router.delete('/reports/:id', async (req, res) => {
    const user = currentUser(req);
    const row = await findVisibleReport(sql, user, req.params.id);
    if (!row) throw AppError.notFound();
    if (row.status === 'PROCESSING') {
      // First the slot it holds until its work has stopped (the workflow's cleanup releases it), then the
      // cancel: a cleanup that ran before the row existed would leave it behind.
      await sql`insert into reports.cancellations (report_id, company_id) values (${row.id}, ${row.companyId}) on conflict do nothing`;
      try {
        await deps.workflows.cancel(row.workflowId);
      } catch (err) {
        await sql`delete from reports.cancellations where report_id = ${row.id}`;
        deps.log('could not cancel report workflow', { reportId: row.id, workflowId: row.workflowId, companyId: user.companyId, err: String(err) });
        throw new AppError(503, 'unavailable', 'O serviço de relatórios está indisponível. Tente novamente em alguns minutos.');
      }
      const [gone] = await sql<{ status: string; objectKey: string | null }[]>`
        delete from reports.reports where id = ${row.id} returning status, object_key as "objectKey"`;
      // It may have finished between the read and the cancel: then its file is left to us, and no work holds a slot.
      if (gone && gone.status !== 'PROCESSING') {
        await sql`delete from reports.cancellations where report_id = ${row.id}`;
        await deleteReportFiles(storage, { ...row, objectKey: gone.objectKey });
      }
    } else {
      await deleteFinishedReport(sql, storage, row);
    }
    deps.log('report deleted by its company', { reportId: row.id, workflowId: row.workflowId, companyId: user.companyId, status: row.status });
    res.status(204).end();
  });

  return router;
}

/** The report if it is the caller's company's and of a type the caller may see; otherwise as if missing. */
async function findVisibleReport(sql: Sql, user: CurrentUser, id: string): Promise<ReportRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await sql<ReportRow[]>`${selectReports(sql)} where r.id = ${id} and ${visibleTo(sql, user)}`;
  return row;
}

const reportId = { id: { description: 'O id do relatório.', schema: { type: 'string', format: 'uuid' } } };

/** `{ type, filters }`: one alternative per registered type, its filters by that type's own schema. */
function createBodySchema(): JsonSchema {
  return {
    oneOf: REPORTS.map((r) => {
      const filters = z.toJSONSchema(r.filters, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
      delete filters.$schema;
      return {
        title: r.name,
        type: 'object',
        properties: { type: { const: r.type }, filters, format: { type: 'string', enum: [...formatsOf(r)], default: r.format } },
        required: r.filters.safeParse({}).success ? ['type'] : ['type', 'filters'],
        additionalProperties: false,
      };
    }),
  };
}

/** listQuery, its `type` an enum of the registered types (zod checks it against the registry at run time). */
function listQuerySchema(): JsonSchema {
  const schema = z.toJSONSchema(listQuery, { io: 'input', target: 'draft-2020-12' }) as { properties: Record<string, unknown> };
  return { ...schema, $schema: undefined, properties: { ...schema.properties, type: { type: 'string', enum: REPORTS.map((r) => r.type) } } };
}

/** What POST /api/reports and POST /api/tickets/:ticketId/export answer alike. */
export function creationResponses(): ApiOperation['responses'] {
  const location = { Location: { description: 'O endereço do relatório (`/api/reports/<id>`).', schema: { type: 'string' }, required: true } };
  return {
    202: json(ref('Report'), 'Pedido aceito: o relatório está em processamento.', location),
    200: json(ref('Report'), 'A mesma Idempotency-Key deste usuário nas últimas 24 h: o relatório daquele pedido.', location),
    400: problem('Corpo, filtros ou Idempotency-Key inválidos; `errors` nomeia cada campo.'),
    403: problem('O perfil do usuário não pode usar este tipo.'),
    409: problem('Outro pedido com a mesma Idempotency-Key está em andamento.'),
    422: problem('A Idempotency-Key já foi usada para um pedido diferente.'),
    429: problem('A empresa já tem o máximo de relatórios em processamento.', { 'Retry-After': RETRY_AFTER }),
    503: problem('O Temporal está inacessível: o relatório termina em ERROR.'),
  };
}

export const IDEMPOTENCY_KEY_HEADER = {
  'Idempotency-Key': {
    description: 'Repetir a mesma chave (até 24 h) devolve o relatório do primeiro pedido.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$', minLength: 1, maxLength: 255 },
  },
};

export const reportOperations: OperationSource = () => [
  {
    method: 'post', path: '/api/reports', operationId: 'createReport', tag: 'Relatórios',
    summary: 'Pede um relatório', description: 'Valida os filtros do tipo, registra o relatório e inicia o seu workflow.',
    headers: IDEMPOTENCY_KEY_HEADER, body: createBodySchema(), responses: creationResponses(),
  },
  {
    method: 'get', path: '/api/reports', operationId: 'listReports', tag: 'Relatórios',
    summary: 'Os relatórios da empresa, do mais novo ao mais antigo', query: listQuerySchema(),
    responses: { 200: json(reportList, 'Os relatórios que o usuário pode ver.'), 400: problem('Parâmetro inválido.') },
  },
  {
    method: 'get', path: '/api/reports/{id}', operationId: 'getReport', tag: 'Relatórios',
    summary: 'Um relatório, com o progresso ao vivo', pathParams: reportId,
    responses: { 200: json(ref('Report'), 'O relatório.'), 404: problem('Inexistente, de outra empresa ou de um tipo que o usuário não pode ver.') },
  },
  {
    method: 'get', path: '/api/reports/{id}/download', operationId: 'downloadReport', tag: 'Relatórios',
    summary: 'Redireciona ao link assinado do arquivo', pathParams: reportId,
    responses: {
      302: { description: 'O link assinado, válido até `expiresAt`.', headers: { Location: { description: 'O link assinado.', schema: { type: 'string' }, required: true } } },
      404: problem('Relatório não encontrado.'),
      409: problem('O relatório ainda está em processamento ou terminou com erro.'),
      410: problem('O link expirou (24 horas após a geração).'),
    },
  },
  {
    method: 'delete', path: '/api/reports/{id}', operationId: 'deleteReport', tag: 'Relatórios',
    summary: 'Cancela um relatório em processamento ou apaga um pronto', pathParams: reportId,
    responses: {
      204: { description: 'Cancelado ou apagado; `report.deleted` vai para os streams da empresa.' },
      404: problem('Relatório não encontrado.'),
      503: problem('O Temporal está inacessível: nada foi cancelado.'),
    },
  },
];
