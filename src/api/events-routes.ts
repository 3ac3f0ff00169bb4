// GET /api/reports/events: the SSE stream of the caller's company (report-events.ts does the work).
import { Router } from 'express';
import type { Sql } from '../db/connection';
import { authenticateRequest } from './auth';
import { RETRY_AFTER, problem, type OperationSource } from './openapi';
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

export const eventOperations: OperationSource = () => [{
  method: 'get', path: '/api/reports/events', operationId: 'streamReportEvents', tag: 'Relatórios', auth: 'bearer-or-query',
  summary: 'Server-Sent Events dos relatórios da empresa',
  description: 'Eventos `report.created`, `report.updated` (data: o relatório) e `report.deleted` (data: `{ id }`). '
    + 'Ao conectar, um `report.updated` por relatório existente. O stream termina quando o token expira.',
  responses: {
    200: { description: 'O stream, sem fim.', content: { type: 'text/event-stream', schema: { type: 'string' } } },
    429: problem('Streams demais abertos por este usuário ou empresa.', { 'Retry-After': RETRY_AFTER }),
  },
}];
