// GET /api/report-options: the caller's company's choices for report filters (multi-selects of the page),
// one list per option source that report definitions name (src/reports/filters.ts `OPTION_SOURCES`).
import { Router } from 'express';
import type { Sql } from '../db/connection';
import { OPTION_SOURCES } from '../reports/filters';
import { currentUser } from './auth';

export function optionRoutes(deps: { sql: Sql }): Router {
  const router = Router();
  router.get('/report-options', async (req, res) => {
    const { companyId } = currentUser(req);
    const sql = deps.sql;
    const lists = await Promise.all(Object.entries(OPTION_SOURCES).map(async ([key, source]) => [key, await sql<{ id: number; name: string }[]>`
      select id, name from ${sql('public')}.${sql(source.table)}
      where company_id = ${companyId} ${source.activeOnly ? sql`and deleted_at is null` : sql``} order by name, id`] as const));
    res.json(Object.fromEntries(lists));
  });
  return router;
}
