// Resumo de Atendimentos: every number below is counted by hand from the scenario in
// test/setup/service-scenario.ts. Per tracking (ticket, its current status, messages in the range
// received/sent): T1 A closed 2/2, T2 A closed 1/2, T3 B open 1/1, T4 C pending 1/0, T5 D paused 1/0,
// T6 F pending 0/0.
import { beforeAll, describe, expect, it } from 'vitest';
import { csvFile, ReportsApi, useStack } from '../setup/reports-api';
import { SERVICE_FILTER_REFUSALS, type ServiceScenario, arrangeServiceScenario, everyFilter } from '../setup/service-scenario';

const TYPE = 'service_summary';
const HEADER = 'Agrupamento;Chave;Tickets;Atendimentos;Mensagens;Mensagens recebidas;Mensagens enviadas;Abertos;Pendentes;Pausados;Fechados';
const zeros = (grouping: string, key: string) => `${grouping};${key};0;0;0;0;0;0;0;0;0`;

describe('service_summary through the HTTP API', () => {
  const stack = useStack();
  let s: ServiceScenario;
  let spToken: string;

  beforeAll(async () => {
    s = await arrangeServiceScenario(stack.sql);
    spToken = stack.tokenFor({ id: s.sp.admin, companyId: s.sp.id });
  }, 120_000);

  it('when the range has no optional filter, then days, queues, operators and the Total are exact, cell by cell', async () => {
    const { report, text } = await new ReportsApi(stack, spToken).run(TYPE, { from: '2026-10-01', to: '2026-10-03' });
    expect(text).toBe(csvFile(HEADER, [
      // T1 (00:00:00 local), T2, T3: tickets A and B; 4 + 3 + 2 messages. The message of ticket B
      // without a tracking, and those of the trackings one second outside, are not counted.
      'Dia;01/10/2026;2;3;9;4;5;1;0;0;1',
      zeros('Dia', '02/10/2026'),
      // T4, T5 (23:59:59 local; its system message and reply come after the range), T6.
      'Dia;03/10/2026;3;3;2;2;0;0;2;1;0',
      // T2, T3, T4: ticket A counts here and under Suporte (its two trackings went to two queues).
      'Fila;Financeiro;3;3;6;3;3;1;1;0;1',
      'Fila;Suporte;2;2;4;2;2;0;1;0;1',
      'Fila;Sem fila;1;1;1;1;0;0;0;1;0',
      // Names sorted ignoring case; "@" sorts before letters; formula-like names get a leading quote.
      "Operador;'@Carlos Dias;1;1;1;1;0;0;0;1;0",
      'Operador;Ana Souza;2;3;7;3;4;0;1;0;1',
      'Operador;bruno Lima;1;1;2;1;1;1;0;0;0',
      'Operador;Sem operador;1;1;1;1;0;0;1;0;0',
      // Five distinct tickets (A once), six trackings: not the sum of the Fila rows' tickets (6).
      'Total;Total;5;6;11;6;5;1;2;1;1',
    ]));
    expect(text).not.toContain('OUTRA-EMPRESA');
    expect(report).toMatchObject({ rowCount: 11, fileName: 'resumo-de-atendimentos_2026-10-01_2026-10-03.csv', format: 'csv' });
  });

  it('when every filter is set, then only the matching trackings count and empty days stay as zeros', async () => {
    const { text } = await new ReportsApi(stack, spToken).run(TYPE, everyFilter(s));
    expect(text).toBe(csvFile(HEADER, [
      'Dia;01/10/2026;1;2;7;3;4;0;0;0;1',
      zeros('Dia', '02/10/2026'),
      zeros('Dia', '03/10/2026'),
      'Fila;Financeiro;1;1;3;1;2;0;0;0;1',
      'Fila;Suporte;1;1;4;2;2;0;0;0;1',
      'Operador;Ana Souza;1;2;7;3;4;0;0;0;1',
      'Total;Total;1;2;7;3;4;0;0;0;1',
    ]));
  });

  it('when the company is in Manaus, then a tracking counts on its Manaus day', async () => {
    const token = stack.tokenFor({ id: s.manaus.admin, companyId: s.manaus.id });
    const { text } = await new ReportsApi(stack, token).run(TYPE, { from: '2026-10-01', to: '2026-10-02' });
    expect(text).toBe(csvFile(HEADER, [
      // M1 at 00:00:00 local and M2 at 2026-10-02T03:30Z, still 01/10 in Manaus.
      'Dia;01/10/2026;2;2;2;1;1;1;0;0;1',
      // M3 at 23:59:59 local on `to`.
      'Dia;02/10/2026;1;1;1;1;0;0;1;0;0',
      'Fila;Atendimento;2;2;2;1;1;1;0;0;1',
      'Fila;Sem fila;1;1;1;1;0;0;1;0;0',
      'Operador;Operador Loja Manaus;2;2;2;1;1;1;0;0;1',
      'Operador;Sem operador;1;1;1;1;0;0;1;0;0',
      'Total;Total;3;3;3;2;1;1;1;0;1',
    ]));
  });

  it('when nothing is in the range, then every day and the Total are rows of zeros', async () => {
    const { text } = await new ReportsApi(stack, spToken).run(TYPE, { from: '2020-01-01', to: '2020-01-02' });
    expect(text).toBe(csvFile(HEADER, [zeros('Dia', '01/01/2020'), zeros('Dia', '02/01/2020'), zeros('Total', 'Total')]));
  });

  it('when the range has exactly 31 days, then there is one Dia row per day, in order', async () => {
    const { text } = await new ReportsApi(stack, spToken).run(TYPE, { from: '2026-10-01', to: '2026-10-31' });
    const days = text.split('\r\n').filter((r) => r.startsWith('Dia;')).map((r) => r.split(';')[1]);
    expect(days).toEqual(Array.from({ length: 31 }, (_, i) => `${String(i + 1).padStart(2, '0')}/10/2026`));
    // The tracking at 00:00:00 on 04/10 (ticket E, open) now counts, with its two messages.
    expect(text).toContain('\r\nDia;04/10/2026;1;1;2;1;1;1;0;0;0\r\n');
  });

  it.each([
    ...SERVICE_FILTER_REFUSALS,
    ['a queue id is not a number', { from: '2026-10-01', to: '2026-10-03', queueIds: ['x'] }, 'filters.queueIds.0'],
  ])('when %s, then 400 names %s', async (_what, filters, path) => {
    expect(await new ReportsApi(stack, spToken).refusedPaths(TYPE, filters)).toContain(path);
  });

  it("when another company's queue or operator id is given, then 400 names each by position", async () => {
    const paths = await new ReportsApi(stack, spToken).refusedPaths(TYPE, {
      from: '2026-10-01', to: '2026-10-03', queueIds: [s.queues.otherQueue], userIds: [s.operators.ana, s.operators.otherOperator],
    });
    expect(paths.sort()).toEqual(['filters.queueIds.0', 'filters.userIds.1']);
  });
});
