// GET /api/report-options: the caller's company's choices for report filters (multi-selects of the page).
import { Router } from 'express';
import type { Sql } from '../db/connection';
import { currentUser } from './auth';

export function optionRoutes(deps: { sql: Sql }): Router {
  const router = Router();
  router.get('/report-options', async (req, res) => {
    const { companyId } = currentUser(req);
    const sql = deps.sql;
    const [queues, operators, campaigns, costCenters] = await Promise.all([
      sql<{ id: number; name: string }[]>`select id, name from public.queues where company_id = ${companyId} order by name, id`,
      sql<{ id: number; name: string }[]>`
        select id, name from public.users where company_id = ${companyId} and deleted_at is null order by name, id`,
      sql<{ id: number; name: string }[]>`select id, name from public.campaigns where company_id = ${companyId} order by name, id`,
      sql<{ id: number; name: string }[]>`select id, name from public.cost_centers where company_id = ${companyId} order by name, id`,
    ]);
    res.json({ queues, operators, campaigns, costCenters });
  });
  return router;
}
