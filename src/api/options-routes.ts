// GET /api/report-options: the caller's company's choices for report filters (multi-selects of the page).
import { Router } from 'express';
import type { Sql } from '../db/connection';
import { z } from 'zod';
import { currentUser } from './auth';
import { json, type OperationSource } from './openapi';

const choices = z.array(z.object({ id: z.number().int(), name: z.string() }));
export const reportOptions = z.object({ queues: choices, operators: choices, campaigns: choices, costCenters: choices });

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
    res.json({ queues, operators, campaigns, costCenters } satisfies z.infer<typeof reportOptions>);
  });
  return router;
}

export const optionOperations: OperationSource = () => [{
  method: 'get', path: '/api/report-options', operationId: 'listReportOptions', tag: 'Catálogo',
  summary: 'As escolhas dos filtros de ids: filas, operadores, campanhas e centros de custo da empresa',
  responses: { 200: json(reportOptions, 'As escolhas, por nome.') },
}];
