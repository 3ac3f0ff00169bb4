// GET /api/reports/events: the SSE stream of the caller's company (report-events.ts does the work).
import { Router } from 'express';
import type { Sql } from '../db/connection';
import { authenticate, currentUser } from './auth';
import type { ReportEventHub } from './report-events';

export function eventRoutes(deps: { sql: Sql; jwtSecret: string; events: ReportEventHub }): Router {
  const router = Router();
  // EventSource cannot send headers: the token may come as ?access_token= here, and only here.
  router.get('/reports/events', authenticate(deps.sql, deps.jwtSecret, { allowQueryToken: true }), async (req, res) => {
    await deps.events.serve(req, res, currentUser(req));
  });
  return router;
}
