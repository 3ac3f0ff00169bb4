// /api/report-types: the catalogue, with each type's filters as JSON Schema (from the same zod schemas).
import { Router } from 'express';
import { z } from 'zod';
import { REPORTS, formatsOf } from '../reports';
import { PERIODS, acceptsPeriod } from '../reports/period';

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
  }));
  const router = Router();
  router.get('/report-types', (_req, res) => {
    if (built?.size !== REPORTS.length) built = { size: REPORTS.length, body: { reportTypes: catalogue() } };
    res.json(built.body);
  });
  return router;
}
