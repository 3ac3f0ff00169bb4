// GET /api/report-types for any report types: each is listed as its definition says — name, category,
// formats, filter schema, a pt-BR label for every filter and enum value, maxDays, option sources.
import { describe, expect, it } from 'vitest';
import { formatsOf, type ReportDefinition } from '../../../src/reports';
import { OPTION_SOURCES } from '../../../src/reports/filters';
import { useCompany, useStack, type CompanySession, type ReportsApi } from '../reports-api';
import type { Stack } from '../stack';

export interface CatalogueEntry {
  type: string; name: string; description: string; category: string; format: string; formats: string[];
  filtersSchema: any; filterLabels: Record<string, string>; valueLabels: Record<string, string>; periods: string[];
  maxDays: number | null; optionSources: Record<string, string>; periodAlternative: { filter: string; hint: string } | null;
}

export async function readCatalogue(api: ReportsApi): Promise<CatalogueEntry[]> {
  const res = await api.fetch('/api/report-types');
  expect(res.status).toBe(200);
  return ((await res.json()) as { reportTypes: CatalogueEntry[] }).reportTypes;
}

/** As the company's operator (the least profile: it reads the whole catalogue). */
const operatorOf = (company: CompanySession) => company.api.as({ id: company.user, companyId: company.id });

export function describeCatalogue(types: readonly ReportDefinition[], more?: (c: { stack: Stack; operator: () => ReportsApi }) => void): void {
  describe(`GET /api/report-types (${types.map((t) => t.type).join(', ')})`, () => {
    const stack = useStack();
    const company = useCompany(stack, 'Catálogo SA');

    for (const report of types) {
      it(`when asked, then ${report.type} is listed as its definition says, with a label for each filter and enum value`, async () => {
        const entry = (await readCatalogue(operatorOf(company))).find((t) => t.type === report.type);
        expect(entry, report.type).toBeDefined();
        const t = entry!;
        expect([t.name, t.description, t.category, t.format, t.formats]).toEqual(
          [report.name, report.description, report.category, report.format, [...formatsOf(report)]]);
        expect(t.description.length).toBeGreaterThan(5);
        expect(t.filtersSchema.type).toBe('object');
        expect(t.filtersSchema.additionalProperties).toBe(false);
        for (const [name, schema] of Object.entries<any>(t.filtersSchema.properties ?? {})) {
          expect(t.filterLabels[name], `${t.type}.${name}`).toBeTruthy();
          for (const v of [...(schema.enum ?? []), ...(schema.items?.enum ?? [])]) expect(t.valueLabels[v], `${t.type}.${name}=${v}`).toBeTruthy();
        }
        for (const p of t.periods) expect(t.valueLabels[p], `${t.type} period ${p}`).toBeTruthy();
        expect(t.optionSources).toEqual(report.optionSources ?? {});
        for (const [name, source] of Object.entries(t.optionSources)) {
          expect(Object.keys(OPTION_SOURCES)).toContain(source);
          expect(t.filtersSchema.properties[name], `${t.type}.${name} is a filter`).toBeDefined();
        }
        expect(t.maxDays).toBe(report.maxDays ?? null);
        expect(t.periodAlternative).toEqual(report.periodAlternative ?? null);
        if (t.periodAlternative) expect(t.filtersSchema.properties[t.periodAlternative.filter]).toBeDefined();
      });
    }

    more?.({ stack, operator: () => operatorOf(company) });
  });
}
