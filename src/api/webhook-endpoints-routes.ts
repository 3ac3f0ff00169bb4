// /api/webhook-endpoints: the company's systems that hear about finished reports (admins only; docs/delivery.md).
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { transaction } from '../db/transaction';
import { checkUrlShape, RefusedTarget, resolveTarget, type AddressRules } from '../delivery/address-rules';
import {
  DEFAULT_RETRY_DELAYS_SECONDS, deliveryList, selectDeliveries, toDeliveryResource, webhookBody, type DeliveryRow,
} from '../delivery/deliveries';
import { redeliver } from '../delivery/redeliver';
import { newWebhookSecret, WEBHOOK_EVENTS } from '../delivery/webhook-message';
import { AppError } from '../errors';
import type { ReportWorkflows } from '../temporal/client';
import { startDelivery } from '../temporal/deliveries';
import { currentUser, type CurrentUser } from './auth';
import { unstorableText } from './create-report';
import { json, problem, ref, type ApiHeader, type OperationSource } from './openapi';
import { fieldErrors } from './problems';

export const MAX_ENDPOINTS_PER_COMPANY = 10;
/** What a test or a redelivery answers (and records) when Temporal cannot start it. */
const DELIVERY_UNAVAILABLE = 'O serviço de entregas está indisponível: nada foi enviado. Tente novamente em alguns minutos.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const createBody = z.strictObject({
  url: z.string({ error: 'deve ser uma URL' }).min(1, { message: 'obrigatório' }).max(2000, { message: 'no máximo 2000 caracteres' }),
  description: z.string({ error: 'deve ser um texto' }).max(200, { message: 'no máximo 200 caracteres' }).optional(),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: 'deve conter apenas report.ready ou report.failed' }), { error: 'deve ser uma lista de eventos' })
    .min(1, { message: 'informe ao menos um evento' })
    .refine((e) => new Set(e).size === e.length, { message: 'eventos repetidos' })
    .meta({ uniqueItems: true }),
});

const isoInstant = z.iso.datetime();

/** What toEndpoint returns, as the OpenAPI document publishes it (component `WebhookEndpoint`). */
export const endpointResource = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  createdAt: isoInstant,
});
type EndpointResource = z.infer<typeof endpointResource>;
const createdEndpoint = endpointResource.extend({
  secret: z.string().meta({ description: 'O segredo das assinaturas (Standard Webhooks, `whsec_…`): mostrado só nesta resposta.' }),
});
const endpointList = z.object({ endpoints: z.array(endpointResource) });

export interface DeliveryOptions {
  rules: AddressRules;
  retryDelaysSeconds: number[];
}

interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: (typeof WEBHOOK_EVENTS)[number][];
  createdAt: Date;
}

const toEndpoint = (e: EndpointRow): EndpointResource => ({
  id: e.id, url: e.url, description: e.description, events: e.events, createdAt: e.createdAt.toISOString(),
});

export function webhookEndpointRoutes(deps: {
  sql: Sql; workflows: ReportWorkflows; delivery?: DeliveryOptions; log?: (msg: string, fields?: Record<string, unknown>) => void;
}): Router {
  const { sql, workflows } = deps;
  const log = deps.log ?? (() => {});
  const rules = deps.delivery?.rules ?? { allowPrivate: true, httpsOnly: false };
  const retryDelaysSeconds = deps.delivery?.retryDelaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS;
  const router = Router();

  router.get('/webhook-endpoints', async (req, res) => {
    const user = admin(req);
    const rows = await sql<EndpointRow[]>`
      select id, url, description, events, created_at as "createdAt" from reports.webhook_endpoints
      where company_id = ${user.companyId} order by created_at, id`;
    res.json({ endpoints: rows.map(toEndpoint) } satisfies z.infer<typeof endpointList>);
  });

  router.post('/webhook-endpoints', async (req, res) => {
    const user = admin(req);
    const body = createBody.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('O endpoint é inválido.', fieldErrors(body.error));
    const unstorable = [...unstorableText(body.data.url, 'url'), ...unstorableText(body.data.description, 'description')];
    if (unstorable.length) throw AppError.badRequest('O endpoint é inválido.', unstorable);
    try {
      await resolveTarget(checkUrlShape(body.data.url, rules), rules);
    } catch (err) {
      if (!(err instanceof RefusedTarget)) throw err;
      throw AppError.badRequest('O endpoint é inválido.', [{ path: 'url', message: `url: ${err.message}` }]);
    }
    const id = randomUUID();
    const secret = newWebhookSecret();
    const created = await transaction(sql, '', async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('reports.webhook-endpoints'), ${user.companyId % 2147483647}::int)`;
      const [{ count }] = await tx<{ count: number }[]>`
        select count(*)::int as count from reports.webhook_endpoints where company_id = ${user.companyId}`;
      if (count >= MAX_ENDPOINTS_PER_COMPANY) {
        throw AppError.conflict(`A empresa já tem ${count} endpoints de webhook, o máximo permitido. Remova um antes de criar outro.`);
      }
      const [row] = await tx<EndpointRow[]>`
        insert into reports.webhook_endpoints (id, company_id, url, description, events, secret, created_by)
        values (${id}, ${user.companyId}, ${body.data.url}, ${body.data.description ?? null}, ${body.data.events}, ${secret}, ${user.id})
        returning id, url, description, events, created_at as "createdAt"`;
      return row;
    });
    // The only time the secret leaves the module: the receiver stores it to verify our signatures.
    res.status(201).location(`/api/webhook-endpoints/${id}`).json({ ...toEndpoint(created), secret } satisfies z.infer<typeof createdEndpoint>);
  });

  router.get('/webhook-endpoints/:id', async (req, res) => {
    res.json(toEndpoint(await findEndpoint(sql, admin(req), req.params.id)));
  });

  router.delete('/webhook-endpoints/:id', async (req, res) => {
    const endpoint = await findEndpoint(sql, admin(req), req.params.id);
    // Its deliveries go with it; a delivery still retrying finds nothing at its next attempt and stops.
    await sql`delete from reports.webhook_endpoints where id = ${endpoint.id}`;
    res.status(204).end();
  });

  router.post('/webhook-endpoints/:id/test', async (req, res) => {
    const user = admin(req);
    const endpoint = await findEndpoint(sql, user, req.params.id);
    const deliveryId = randomUUID();
    const now = new Date();
    const data = { endpointId: endpoint.id, message: 'Teste de webhook dos Relatórios: se você recebeu isto, o endpoint está funcionando.' };
    await sql`
      insert into reports.deliveries (id, company_id, endpoint_id, channel, target, event, body)
      values (${deliveryId}, ${user.companyId}, ${endpoint.id}, 'webhook', ${endpoint.url}, 'webhook.test', ${webhookBody('webhook.test', now, data)})`;
    try {
      await startDelivery(workflows, { deliveryId, companyId: user.companyId, channel: 'webhook', retryDelaysSeconds }, { event: 'webhook.test' });
    } catch (err) {
      // Nothing will send it: the delivery says so instead of staying PENDING.
      log('could not start the test delivery', { deliveryId, companyId: user.companyId, err: String(err) });
      await sql`update reports.deliveries set status = 'FAILED', last_error = ${DELIVERY_UNAVAILABLE} where id = ${deliveryId}`;
      throw new AppError(503, 'unavailable', DELIVERY_UNAVAILABLE);
    }
    // Answer with the first attempt's outcome (the receiver has 15 s); later retries show in the deliveries.
    res.json(toDeliveryResource(await firstAttempt(sql, deliveryId)));
  });

  router.get('/webhook-endpoints/:id/deliveries', async (req, res) => {
    const endpoint = await findEndpoint(sql, admin(req), req.params.id);
    const rows = await sql<DeliveryRow[]>`${selectDeliveries(sql)}
      where d.endpoint_id = ${endpoint.id} order by d.created_at desc, d.id limit 100`;
    res.json({ deliveries: rows.map(toDeliveryResource) } satisfies z.infer<typeof deliveryList>);
  });

  router.post('/webhook-endpoints/:id/deliveries/:deliveryId/retry', async (req, res) => {
    const user = admin(req);
    const endpoint = await findEndpoint(sql, user, req.params.id);
    res.status(202).json(await redeliver({ sql, workflows, log }, user.companyId, req.params.deliveryId, { endpointId: endpoint.id }, retryDelaysSeconds));
  });

  return router;
}

function admin(req: Request): CurrentUser {
  const user = currentUser(req);
  if (user.profile !== 'admin') throw AppError.forbidden('Somente administradores gerenciam os endpoints de webhook.');
  return user;
}

async function findEndpoint(sql: Sql, user: CurrentUser, id: string): Promise<EndpointRow> {
  const [row] = UUID.test(id)
    ? await sql<EndpointRow[]>`
        select id, url, description, events, created_at as "createdAt" from reports.webhook_endpoints
        where id = ${id} and company_id = ${user.companyId}`
    : [];
  if (!row) throw AppError.notFound('Endpoint de webhook não encontrado.');
  return row;
}

/** The delivery once its first attempt is recorded (or as it is after 20 s, still PENDING). */
async function firstAttempt(sql: Sql, deliveryId: string): Promise<DeliveryRow> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [row] = await sql<DeliveryRow[]>`${selectDeliveries(sql)} where d.id = ${deliveryId}`;
    const attempted = row.status !== 'PENDING' || (row.attempts > 0 && (row.lastError !== null));
    if (attempted || Date.now() > deadline) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const endpointId = { id: { description: 'O id do endpoint.', schema: { type: 'string', format: 'uuid' } } };
const deliveryId = { ...endpointId, deliveryId: { description: 'O id da entrega.', schema: { type: 'string', format: 'uuid' } } };
const location: Record<string, ApiHeader> = {
  Location: { description: 'O endereço do endpoint (`/api/webhook-endpoints/<id>`).', schema: { type: 'string' }, required: true },
};
const forbidden = problem('Somente administradores gerenciam os endpoints de webhook.');
const notFound = problem('Inexistente ou de outra empresa.');
const unavailable = problem('O Temporal está inacessível: nada foi enviado (a entrega fica FAILED, com o motivo).');

export const webhookEndpointOperations: OperationSource = () => [
  {
    method: 'get', path: '/api/webhook-endpoints', operationId: 'listWebhookEndpoints', tag: 'Webhooks',
    summary: 'Os endpoints de webhook da empresa (sem os segredos)',
    responses: { 200: json(endpointList, 'Os endpoints, do mais antigo ao mais novo.'), 403: forbidden },
  },
  {
    method: 'post', path: '/api/webhook-endpoints', operationId: 'createWebhookEndpoint', tag: 'Webhooks',
    summary: 'Cadastra um endpoint de webhook (somente admin)',
    description: `A URL é verificada agora e a cada envio (endereços internos recusados fora do desenvolvimento). No máximo ${MAX_ENDPOINTS_PER_COMPANY} por empresa.`,
    body: createBody,
    responses: {
      201: json(createdEndpoint, 'Cadastrado; o segredo aparece só aqui.', location),
      400: problem('Corpo inválido ou URL recusada; `errors` nomeia cada campo.'),
      403: forbidden,
      409: problem(`A empresa já tem ${MAX_ENDPOINTS_PER_COMPANY} endpoints.`),
    },
  },
  {
    method: 'get', path: '/api/webhook-endpoints/{id}', operationId: 'getWebhookEndpoint', tag: 'Webhooks',
    summary: 'Um endpoint de webhook (sem o segredo)', pathParams: endpointId,
    responses: { 200: json(ref('WebhookEndpoint'), 'O endpoint.'), 403: forbidden, 404: notFound },
  },
  {
    method: 'delete', path: '/api/webhook-endpoints/{id}', operationId: 'deleteWebhookEndpoint', tag: 'Webhooks',
    summary: 'Remove um endpoint e as suas entregas', pathParams: endpointId,
    responses: { 204: { description: 'Removido; uma entrega ainda em tentativas para na próxima.' }, 403: forbidden, 404: notFound },
  },
  {
    method: 'post', path: '/api/webhook-endpoints/{id}/test', operationId: 'testWebhookEndpoint', tag: 'Webhooks',
    summary: 'Envia o evento webhook.test e responde com a primeira tentativa',
    description: 'Espera a primeira tentativa (o receptor tem 15 s; até 20 s no total); as tentativas seguintes aparecem nas entregas.',
    pathParams: endpointId,
    responses: {
      200: json(ref('Delivery'), 'A entrega de teste: DELIVERED, PENDING com o erro da primeira tentativa, ou PENDING sem tentativa após 20 s.'),
      403: forbidden, 404: notFound, 503: unavailable,
    },
  },
  {
    method: 'get', path: '/api/webhook-endpoints/{id}/deliveries', operationId: 'listWebhookEndpointDeliveries', tag: 'Webhooks',
    summary: 'As últimas 100 entregas do endpoint, da mais nova à mais antiga', pathParams: endpointId,
    responses: { 200: json(deliveryList, 'As entregas.'), 403: forbidden, 404: notFound },
  },
  {
    method: 'post', path: '/api/webhook-endpoints/{id}/deliveries/{deliveryId}/retry', operationId: 'retryWebhookDelivery', tag: 'Webhooks',
    summary: 'Reenvia uma entrega FAILED (a mesma mensagem, o mesmo webhook-id)', pathParams: deliveryId,
    responses: {
      202: json(ref('Delivery'), 'Aceito: a entrega está PENDING de novo.'),
      403: forbidden,
      404: problem('Endpoint ou entrega inexistente, ou de outra empresa.'),
      409: problem('A entrega não está FAILED, ou o link do relatório já expirou.'),
      503: problem('O Temporal está inacessível: a entrega continua FAILED.'),
    },
  },
];
