// /api/report-types: the catalogue, with each type's filters as JSON Schema (from the same zod schemas).
import { Router } from 'express';
import { z } from 'zod';
import { REPORTS, formatsOf } from '../reports';
import { PERIODS, PERIOD_LABELS, acceptsPeriod } from '../reports/period';

export function catalogueRoutes(): Router {
  // Built once per registry size: a type registered at run time (tests) shows on the next request.
  let built: { size: number; body: unknown } | undefined;
  const catalogue = () => REPORTS.map((r) => ({
    type: r.type,
    name: r.name,
    description: r.description,
    category: r.category,
    /** The default format; `formats` lists every one `POST /api/reports` accepts for the type. */
    format: r.format,
    formats: formatsOf(r),
    filtersSchema: z.toJSONSchema(r.filters, { io: 'input', unrepresentable: 'any' }),
    // What `filters.period` may say instead of from/to (empty: the type has no date range).
    periods: acceptsPeriod(r) ? PERIODS : [],
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
    if (built?.size !== REPORTS.length) built = { size: REPORTS.length, body: { reportTypes: catalogue() } };
    res.json(built.body);
  });
  return router;
}
