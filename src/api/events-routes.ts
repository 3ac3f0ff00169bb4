// GET /api/reports/events: the SSE stream of the caller's company (report-events.ts does the work).
import { Router } from 'express';
import type { Sql } from '../db/connection';
import { authenticateRequest } from './auth';
import { RETRY_AFTER, jsonSchema, problem, type JsonSchema, type OperationSource } from './openapi';
import { reportResource } from './report-resource';
import { reportList } from './reports-routes';
import type { ReportEventHub } from './report-events';

export function eventRoutes(deps: { sql: Sql; jwtSecret: string; events: ReportEventHub }): Router {
  const router = Router();
  router.get('/reports/events', async (req, res, next) => {
    // Watched before anything is awaited: a client that leaves during authentication is never registered.
    let left = false;
    res.once('close', () => (left = true));
    try {
      // EventSource cannot send headers: the token may come as ?access_token= here, and only here.
      const { user, tokenExpiresAt } = await authenticateRequest(deps.sql, deps.jwtSecret, req, { allowQueryToken: true });
      await deps.events.serve(res, user, { tokenExpiresAt, left: () => left });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** One event of the stream, by name: its `data` is JSON of the schema given. */
function streamEvent(name: string, data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: { event: { const: name }, data: { type: 'string', contentMediaType: 'application/json', contentSchema: data } },
    required: ['event', 'data'],
  };
}

export const eventOperations: OperationSource = () => {
  const report = jsonSchema(reportResource, 'output');
  const events = {
    oneOf: [
      streamEvent('snapshot', jsonSchema(reportList, 'output')),
      streamEvent('report.created', report),
      streamEvent('report.updated', report),
      streamEvent('report.deleted', { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] }),
      streamEvent('token.expired', { type: 'object' }),
    ],
  };
  return [{
    method: 'get', path: '/api/reports/events', operationId: 'streamReportEvents', tag: 'Relatórios', auth: 'bearer-or-query',
    summary: 'Server-Sent Events dos relatórios da empresa',
    description: 'Ao conectar, `snapshot` (data: `{ reports }`, os relatórios visíveis); depois `report.created`, '
      + '`report.updated` (data: o relatório) e `report.deleted` (data: `{ id }`). Quando o token expira, '
      + '`token.expired` e o fim do stream: reconecte com um token novo.',
    responses: {
      200: { description: 'O stream: cada item descreve um evento.', content: { type: 'text/event-stream', schema: events } },
      429: problem('Streams demais abertos por este usuário ou empresa.', { 'Retry-After': RETRY_AFTER }),
    },
  }];
};
