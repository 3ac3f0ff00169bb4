// Estatísticas de Atendimento: every number below is worked out by hand from the scenario in
// test/setup/service-scenario.ts (its table lists each tracking's times).
import { beforeAll, describe, expect, it } from 'vitest';
import { csvFile, ReportsApi, useStack } from '../setup/reports-api';
import { SERVICE_FILTER_REFUSALS, type ServiceScenario, arrangeServiceScenario, everyFilter } from '../setup/service-scenario';

const TYPE = 'service_statistics';
const HEADER = 'Fila;Operador;Atendimentos;Finalizados;Taxa de resolução;Tempo médio de espera;Tempo médio de primeira resposta;Tempo médio de atendimento;' +
  'Mediana de espera;P90 de espera;Mediana de primeira resposta;P90 de primeira resposta;Mediana de atendimento;P90 de atendimento;Primeira resposta no prazo';

describe('service_statistics through the HTTP API', () => {
  const stack = useStack();
  let s: ServiceScenario;
  let spToken: string;

  beforeAll(async () => {
    s = await arrangeServiceScenario(stack.sql);
    spToken = stack.tokenFor({ id: s.sp.admin, companyId: s.sp.id });
  }, 120_000);

  // This company has no business-hours settings: no target, so "Primeira resposta no prazo" is empty everywhere.
  // A row of one tracking has its time as mean, median and P90 alike.
  it('when the range has no optional filter, then each (queue, operator) pair and the Total are exact, cell by cell', async () => {
    const { report, text } = await new ReportsApi(stack, spToken).run(TYPE, { from: '2026-10-01', to: '2026-10-03' });
    expect(text).toBe(csvFile(HEADER, [
      // T2 alone: wait 601 s, reply 181 s (Ana's message before the customer's is ignored), service 2999 s.
      'Financeiro;Ana Souza;1;1;100,00;00:10:01;00:03:01;00:49:59;00:10:01;00:10:01;00:03:01;00:03:01;00:49:59;00:49:59;',
      // T3: started, unfinished, only a system message after the customer's: no reply time, no service time.
      'Financeiro;bruno Lima;1;0;0,00;00:05:00;;;00:05:00;00:05:00;;;;;',
      // T4: never started and no operator: every mean is over no tracking.
      'Financeiro;Sem operador;1;0;0,00;;;;;;;;;;',
      // T1 and T6: wait (120 + 30) / 2 = 75 s; reply only T1's 140 s; service only T1's 1680 s; 1 of 2 finished.
      // Median of waits {30, 120} = 75 s; P90 = 30 + 0.9 × 90 = 111 s.
      'Suporte;Ana Souza;2;1;50,00;00:01:15;00:02:20;00:28:00;00:01:15;00:01:51;00:02:20;00:02:20;00:28:00;00:28:00;',
      // T5 (23:59:59 on `to`): never queued; reply 100 s (the system message first does not count); service 1201 s.
      "Sem fila;'@Carlos Dias;1;1;100,00;;00:01:40;00:20:01;;;00:01:40;00:01:40;00:20:01;00:20:01;",
      // All six: 3 finished of 6; wait (120 + 601 + 300 + 30) / 4 = 262.75 → 263 s; reply (140 + 181 + 100) / 3
      // = 140.33 → 140 s; service (1680 + 2999 + 1201) / 3 = 1960 s. Not the mean of the rows' cells.
      // Waits sorted 30, 120, 300, 601: median (120 + 300) / 2 = 210 s; P90 at position 0.9 × 3 = 2.7:
      // 300 + 0.7 × 301 = 510.7 → 511 s. Replies 100, 140, 181: median 140; P90 at 1.8: 140 + 0.8 × 41 = 172.8 → 173.
      // Service 1201, 1680, 2999: median 1680; P90 1680 + 0.8 × 1319 = 2735.2 → 2735.
      'Total;Total;6;3;50,00;00:04:23;00:02:20;00:32:40;00:03:30;00:08:31;00:02:20;00:02:53;00:28:00;00:45:35;',
    ]));
    expect(text).not.toContain('OUTRA-EMPRESA');
    expect(report).toMatchObject({ rowCount: 6, fileName: 'estatisticas-de-atendimento_2026-10-01_2026-10-03.csv', format: 'csv' });
  });

  it('when every filter is set, then only the matching trackings count and the Total is recomputed from them', async () => {
    const { text } = await new ReportsApi(stack, spToken).run(TYPE, everyFilter(s));
    expect(text).toBe(csvFile(HEADER, [
      'Financeiro;Ana Souza;1;1;100,00;00:10:01;00:03:01;00:49:59;00:10:01;00:10:01;00:03:01;00:03:01;00:49:59;00:49:59;',
      'Suporte;Ana Souza;1;1;100,00;00:02:00;00:02:20;00:28:00;00:02:00;00:02:00;00:02:20;00:02:20;00:28:00;00:28:00;',
      // T1 and T2: wait (120 + 601) / 2 = 360.5 → 361; reply (140 + 181) / 2 = 160.5 → 161; service (1680 + 2999) / 2 = 2339.5 → 2340.
      // Of two values the median is the mean (rounded the same way); P90 = low + 0.9 × (high − low):
      // wait 120 + 432.9 = 552.9 → 553; reply 140 + 36.9 = 176.9 → 177; service 1680 + 1187.1 = 2867.1 → 2867.
      'Total;Total;2;2;100,00;00:06:01;00:02:41;00:39:00;00:06:01;00:09:13;00:02:41;00:02:57;00:39:00;00:47:47;',
    ]));
  });

  it('when the company is in Manaus, then its days start at 04:00 UTC and a 2/3 rate rounds to 2 decimals', async () => {
    const token = stack.tokenFor({ id: s.manaus.admin, companyId: s.manaus.id });
    const { text } = await new ReportsApi(stack, token).run(TYPE, { from: '2026-10-01', to: '2026-10-02' });
    expect(text).toBe(csvFile(HEADER, [
      // M1 (00:00:00 local on `from`) and M2 (01/10 23:30 local): M2 has no times, so every mean is M1's.
      'Atendimento;Operador Loja Manaus;2;1;50,00;00:01:00;00:00:45;00:10:00;00:01:00;00:01:00;00:00:45;00:00:45;00:10:00;00:10:00;',
      // M3 (23:59:59 local on `to`).
      'Sem fila;Sem operador;1;0;0,00;;;;;;;;;;',
      'Total;Total;3;1;33,33;00:01:00;00:00:45;00:10:00;00:01:00;00:01:00;00:00:45;00:00:45;00:10:00;00:10:00;',
    ]));
  });

  it('when nothing is in the range, then the file is READY with only the Total row of zeros and empty means', async () => {
    const { text } = await new ReportsApi(stack, spToken).run(TYPE, { from: '2020-01-01', to: '2020-01-31' });
    // Four values, then eleven empty cells: no rate, no mean, median, P90 or target share over nothing.
    expect(text).toBe(csvFile(HEADER, ['Total;Total;0;0;;;;;;;;;;;']));
  });

  it.each([
    ...SERVICE_FILTER_REFUSALS,
    ['a user id is not a number', { from: '2026-10-01', to: '2026-10-03', userIds: ['ana'] }, 'filters.userIds.0'],
  ])('when %s, then 400 names %s', async (_what, filters, path) => {
    expect(await new ReportsApi(stack, spToken).refusedPaths(TYPE, filters)).toContain(path);
  });

  it("when another company's queue or operator id is given, then 400 names each by position", async () => {
    const paths = await new ReportsApi(stack, spToken).refusedPaths(TYPE, {
      from: '2026-10-01', to: '2026-10-03',
      queueIds: [s.queues.suporte, s.queues.otherQueue], userIds: [s.operators.otherOperator, s.operators.ana, 999_999],
    });
    expect(paths.sort()).toEqual(['filters.queueIds.1', 'filters.userIds.0', 'filters.userIds.2']);
  });

  it('when the range has exactly 31 days, then it is accepted', async () => {
    const { text } = await new ReportsApi(stack, spToken).run(TYPE, { from: '2026-10-01', to: '2026-10-31' });
    // October also holds the tracking at 00:00:00 on 04/10: wait 0 s, reply 1 s, unfinished. 3 of 7 finished;
    // wait 1051 / 5 = 210.2 → 210 s; reply (140 + 181 + 100 + 1) / 4 = 105.5 → 106 s.
    // Waits 0, 30, 120, 300, 601: median 120, P90 at 3.6: 300 + 0.6 × 301 = 480.6 → 481. Replies 1, 100, 140, 181:
    // median 120, P90 at 2.7: 140 + 0.7 × 41 = 168.7 → 169.
    expect(text.split('\r\n').at(-2)).toBe('Total;Total;7;3;42,86;00:03:30;00:01:46;00:32:40;00:02:00;00:08:01;00:02:00;00:02:49;00:28:00;00:45:35;');
  });
});
