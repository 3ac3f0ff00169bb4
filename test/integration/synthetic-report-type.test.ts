// The proof that a new CSV report type is one definition: a type made up here, over existing tables, is
// registered at test time (one object, in this process, where the stacks' API and worker read the registry)
// and then goes through the same generic suites as the built-in types, with nothing else edited: it is in
// the catalogue as its definition says, runs through HTTP to READY as CSV and as a workbook, keeps to its
// company (its id filter refuses the other company's queue), neutralises formula-like text, and is fuzzed.
import { z } from 'zod';
import { expect, it } from 'vitest';
import { REPORTS, findReport, registerReport } from '../../src/reports';
import { defineReport } from '../../src/reports/definition';
import { checkIdsBelong, idList } from '../../src/reports/filters';
import { nameList } from '../../src/reports/sql-helpers';
import { describeCatalogue, readCatalogue } from '../setup/suites/catalogue';
import { describeContentInjection } from '../setup/suites/content-injection';
import { describeFuzzing } from '../setup/suites/fuzzing';
import { describeTenantIsolation } from '../setup/suites/tenant-isolation';

const filters = z.strictObject({
  nameContains: z.string({ error: 'deve ser um texto' }).min(1, { message: 'não pode ser vazio' }).max(100, { message: 'no máximo 100 caracteres' }).optional(),
  queueIds: idList,
});

registerReport(defineReport<z.infer<typeof filters>>({
  type: 'queue_listing',
  name: 'Filas da empresa',
  description: 'As filas da empresa e quem as atende (tipo de teste)',
  category: 'Gestão de Tickets',
  format: 'csv',
  filters,
  filterLabels: { nameContains: 'Nome contém', queueIds: 'Filas' },
  valueLabels: {},
  optionSources: { queueIds: 'queues' },
  example: () => ({}),
  checkFilters: (sql, companyId, f) => checkIdsBelong(sql, companyId, 'queues', 'queueIds', f.queueIds),
  fileName: () => 'filas.csv',
  columns: ['ID da fila', 'Fila', 'Operadores'],
  columnKinds: { 'ID da fila': 'integer', Fila: 'text', Operadores: 'text' },
  query: (f, q) => ({
    kind: 'keyset',
    select: [
      'qu.id::text',
      'reports.fmt_text(qu.name)',
      `reports.fmt_text(${nameList('u.name', 'from user_queues uq join users u on u.id = uq.user_id where uq.queue_id = qu.id')})`,
    ],
    from: 'queues qu',
    where: [
      ...q.anyOf('qu.id', f.queueIds, 'bigint[]'),
      ...(f.nameContains ? [`strpos(lower(qu.name), lower(${q.value(f.nameContains, 'text')})) > 0`] : []),
    ],
    key: [{ expr: 'qu.id', type: 'bigint' }],
  }),
}));

const synthetic = [findReport('queue_listing')!];

describeCatalogue(synthetic, ({ operator }) => {
  it('when asked, then the registered type is listed with the built-in ones', async () => {
    const types = (await readCatalogue(operator())).map((t) => t.type);
    expect(types).toContain('queue_listing');
    expect(types.sort()).toEqual(REPORTS.map((r) => r.type).sort());
  });
});

describeTenantIsolation(synthetic, (m) => {
  it('when its free-text filter is given, then only the matching rows come back', async () => {
    const { rows } = await m.alfaApi.runCsv('queue_listing', { nameContains: 'fila alfa' });
    expect(rows).toEqual([['ID da fila', 'Fila', 'Operadores'], [String(m.alfa.queue), 'Fila ALFA', 'Operador Empresa ALFA']]);
    expect((await m.alfaApi.runCsv('queue_listing', { nameContains: 'outra' })).rows).toHaveLength(1);
  });
});

describeContentInjection(synthetic);

describeFuzzing(synthetic);
