// GET /api/report-options: the caller's company's choices for report filters (multi-selects of the page),
// one list per option source that report definitions name (src/reports/filters.ts `OPTION_SOURCES`).
import { Router } from 'express';
import type { Sql } from '../db/connection';
import { z } from 'zod';
import { OPTION_SOURCES } from '../reports/filters';
import { currentUser } from './auth';
import { json, type OperationSource } from './openapi';

const choices = z.array(z.object({ id: z.number().int(), name: z.string() }));
export const reportOptions = z.object({ queues: choices, operators: choices, campaigns: choices, costCenters: choices });

export function optionRoutes(deps: { sql: Sql }): Router {
  const router = Router();
  router.get('/report-options', async (req, res) => {
    const { companyId } = currentUser(req);
    const sql = deps.sql;
    const lists = await Promise.all(Object.entries(OPTION_SOURCES).map(async ([key, source]) => [key, await sql<{ id: number; name: string }[]>`
      select id, name from ${sql('public')}.${sql(source.table)}
      where company_id = ${companyId} ${source.activeOnly ? sql`and deleted_at is null` : sql``} order by name, id`] as const));
    res.json(Object.fromEntries(lists) as unknown as z.infer<typeof reportOptions>);
  });
  return router;
}

export const optionOperations: OperationSource = () => [{
  method: 'get', path: '/api/report-options', operationId: 'listReportOptions', tag: 'Catálogo',
  summary: 'As escolhas dos filtros de ids: filas, operadores, campanhas e centros de custo da empresa',
  responses: { 200: json(reportOptions, 'As escolhas, por nome.') },
}];
