// /api/report-types: the catalogue, with each type's filters as JSON Schema (from the same zod schemas).
import { Router } from 'express';
import { z } from 'zod';
import { REPORTS } from '../reports';
import { PERIODS, acceptsPeriod } from '../reports/period';

export function catalogueRoutes(): Router {
  const catalogue = REPORTS.map((r) => ({
    type: r.type,
    name: r.name,
    description: r.description,
    category: r.category,
    format: r.format,
    filtersSchema: z.toJSONSchema(r.filters, { io: 'input', unrepresentable: 'any' }),
    // What `filters.period` may say instead of from/to (empty: the type has no date range).
    periods: acceptsPeriod(r) ? PERIODS : [],
  }));
  const router = Router();
  router.get('/report-types', (_req, res) => {
    res.json({ reportTypes: catalogue });
  });
  return router;
}
