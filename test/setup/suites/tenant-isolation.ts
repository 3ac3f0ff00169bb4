// The tenant isolation matrix for any report types: two companies with marker data in every table a report
// reads (the intruder's rows even pointing at the victim's ticket). For each type, the victim's file (and
// workbook, where the catalogue offers one) holds its own marker and never the other's, and each id
// filter naming the other company's row is refused naming it. Types and filters come from the definitions.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatsOf, type ReportDefinition } from '../../../src/reports';
import type { OptionSource } from '../../../src/reports/filters';
import { parseReportCsv } from '../csv';
import { isListFilter } from '../filter-schema';
import { createMarkedTenant, crossWire, exampleTenant, type MarkedTenant } from '../fixtures-tenant';
import { pdfPages } from '../pdf';
import { ReportsApi, useStack } from '../reports-api';
import type { Stack } from '../stack';
import { readWorkbook } from '../xlsx';

export interface TenantMatrix {
  stack: Stack;
  alfa: MarkedTenant;
  outra: MarkedTenant;
  /** Clients as each company's admin. */
  alfaApi: ReportsApi;
  outraApi: ReportsApi;
}

/** The marked tenant's row of each option source. */
const idOf = (t: MarkedTenant, source: OptionSource): number =>
  ({ queues: t.queue, operators: t.company.user, campaigns: t.campaign, costCenters: t.costCenter })[source];

/** Everything of `outra` a file of ALFA must not show. */
function expectOnlyAlfa(text: string, outra: MarkedTenant) {
  // Not vacuous: the file has the caller's own data…
  expect(text.toLowerCase()).toContain('alfa');
  // …and no trace of the other company: no marker (names, bodies, e-mails), no phone number.
  expect(text.toLowerCase()).not.toContain('outra');
  expect(text).not.toContain(outra.marker);
  expect(text).not.toContain('5599922220000');
}

export function describeTenantIsolation(types: readonly ReportDefinition[], more?: (m: TenantMatrix) => void): void {
  describe(`tenant isolation matrix (${types.map((t) => t.type).join(', ')})`, () => {
    const stack = useStack({ maxProcessingPerCompany: 100 });
    const m = {} as TenantMatrix;

    // After useStack's hook: the stack is up.
    beforeAll(async () => {
      m.stack = stack;
      m.alfa = await createMarkedTenant(stack.sql, 'ALFA', '5511911110000');
      m.outra = await createMarkedTenant(stack.sql, 'OUTRA', '5599922220000');
      await crossWire(stack.sql, m.outra, m.alfa);
      m.alfaApi = new ReportsApi(stack, stack.tokenFor({ id: m.alfa.company.admin, companyId: m.alfa.company.id }));
      m.outraApi = new ReportsApi(stack, stack.tokenFor({ id: m.outra.company.admin, companyId: m.outra.company.id }));
    }, 120_000);

    it('has types to check', () => {
      expect(types.length).toBeGreaterThan(0);
    });

    for (const report of types) {
      const example = () => report.example(exampleTenant(m.alfa));

      it(`when ALFA exports ${report.type}, then its file shows ALFA's rows and nothing of the other company`, async () => {
        const { bytes } = await m.alfaApi.run(report.type, example());
        const text = report.format === 'pdf' ? (await pdfPages(bytes)).join('\n') : bytes.toString('utf8');
        expectOnlyAlfa(text, m.outra);
        if (report.format === 'csv') expect(parseReportCsv(bytes).length).toBeGreaterThan(1);
      }, 120_000);

      if (formatsOf(report).includes('xlsx')) {
        it(`when ALFA exports ${report.type} as a workbook (the catalogue offers it), then it shows ALFA's rows and nothing of the other company`, async () => {
          const { reportTypes } = (await (await m.alfaApi.fetch('/api/report-types')).json()) as { reportTypes: { type: string; formats: string[] }[] };
          expect(reportTypes.find((t) => t.type === report.type)?.formats).toContain('xlsx');
          const sheets = await readWorkbook((await m.alfaApi.run(report.type, example(), 'xlsx')).bytes);
          expect(sheets[0].rows.length).toBeGreaterThan(1);
          expectOnlyAlfa(sheets.flatMap((s) => s.rows.flat().map((c) => String(c.value ?? ''))).join('\n'), m.outra);
        }, 120_000);
      }

      for (const [field, source] of Object.entries(report.optionSources ?? {})) {
        it(`when ALFA's ${report.type} filter ${field} names the other company's ${source}, then 400 naming it`, async () => {
          const base = example();
          // A filter that replaces the period is sent without it.
          if (report.periodAlternative?.filter === field) for (const k of ['from', 'to', 'period']) delete base[k];
          const [own, other] = [idOf(m.alfa, source), idOf(m.outra, source)];
          const filters = { ...base, [field]: isListFilter(report, field) ? [own, other] : other };
          const paths = (await m.alfaApi.refusal(report.type, filters)).errors.map((e) => e.path);
          expect(paths).toEqual([isListFilter(report, field) ? `filters.${field}.1` : `filters.${field}`]);
          // The control: ALFA's own id alone is accepted.
          const id = await m.alfaApi.request(report.type, { ...base, [field]: isListFilter(report, field) ? [own] : own });
          await m.alfaApi.ready(id);
        }, 120_000);
      }
    }

    more?.(m);
  });
}
