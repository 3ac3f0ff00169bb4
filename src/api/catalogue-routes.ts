// /api/report-types: the catalogue, with each type's filters as JSON Schema (from the same zod schemas).
import { Router } from 'express';
import { z } from 'zod';
import { REPORTS, formatsOf, registryVersion } from '../reports';
import { PERIODS, PERIOD_LABELS, acceptsPeriod } from '../reports/period';
import { CATEGORIES } from '../reports/definition';
import { json, type OperationSource } from './openapi';

const catalogueEntry = z.object({
  type: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.enum(CATEGORIES),
  format: z.enum(['csv', 'pdf']),
  formats: z.array(z.enum(['csv', 'xlsx', 'pdf'])).meta({ description: 'Formatos em que o tipo pode ser pedido.' }),
  periods: z.array(z.enum(PERIODS)).meta({ description: 'Períodos relativos aceitos no lugar de from/to.' }),
  filtersSchema: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema dos filtros do tipo.' }),
  filterLabels: z.record(z.string(), z.string()).meta({ description: 'Rótulo em português de cada filtro.' }),
  valueLabels: z.record(z.string(), z.string()).meta({ description: 'Rótulo em português de cada valor de enum dos filtros.' }),
  maxDays: z.number().int().positive().nullable().meta({ description: 'Maior período (from a to, incluídos), ou null sem limite.' }),
  optionSources: z.record(z.string(), z.enum(['queues', 'operators', 'campaigns', 'costCenters']))
    .meta({ description: 'De que lista de GET /api/report-options vêm as opções de cada filtro de ids.' }),
  periodAlternative: z.object({ filter: z.string(), hint: z.string() }).nullable()
    .meta({ description: 'Um filtro que substitui as datas (e a explicação), ou null.' }),
});
export const catalogue = z.object({ reportTypes: z.array(catalogueEntry) });

export function catalogueRoutes(): Router {
  // Built once per registry version: a type registered at run time (tests) shows on the next request.
  let built: { version: number; body: unknown } | undefined;
  const entries = () => REPORTS.map((r): z.infer<typeof catalogueEntry> => ({
    type: r.type,
    name: r.name,
    description: r.description,
    category: r.category,
    /** The default format; `formats` lists every one `POST /api/reports` accepts for the type. */
    format: r.format,
    formats: [...formatsOf(r)],
    filtersSchema: z.toJSONSchema(r.filters, { io: 'input', unrepresentable: 'any' }),
    // What `filters.period` may say instead of from/to (empty: the type has no date range).
    periods: acceptsPeriod(r) ? [...PERIODS] : [],
    // What the page builds the form from: pt-BR labels of the filters and of their values (periods included),
    // the longest span, the `GET /api/report-options` key of each id filter, a filter that replaces the dates.
    filterLabels: acceptsPeriod(r) ? { ...r.filterLabels, period: 'Período' } : r.filterLabels,
    valueLabels: acceptsPeriod(r) ? { ...r.valueLabels, ...PERIOD_LABELS } : r.valueLabels,
    maxDays: r.maxDays ?? null,
    optionSources: r.optionSources ?? {},
    periodAlternative: r.periodAlternative ?? null,
  }));
  const router = Router();
  router.get('/report-types', (_req, res) => {
    if (built?.version !== registryVersion()) built = { version: registryVersion(), body: { reportTypes: entries() } };
    res.json(built.body);
  });
  return router;
}

export const catalogueOperations: OperationSource = () => [{
  method: 'get', path: '/api/report-types', operationId: 'listReportTypes', tag: 'Catálogo',
  summary: 'Os tipos de relatório, com o JSON Schema dos filtros de cada um',
  responses: { 200: json(catalogue, 'O catálogo.') },
}];
