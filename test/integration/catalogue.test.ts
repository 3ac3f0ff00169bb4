// The catalogue of every registered type (test/setup/suites/catalogue.ts), plus what only the built-in
// types say: the product page's types with their pt-BR names, and a few filters' exact shape.
import { expect, it } from 'vitest';
import { REPORTS } from '../../src/reports';
import { describeCatalogue, readCatalogue } from '../setup/suites/catalogue';

/** The types of the product page (reports.md), as it names and groups them. */
const PRODUCT_PAGE_TYPES = [
  ['licenses', 'Licenças', 'Faturamento e Recursos', 'csv'],
  ['numbers', 'Números', 'Faturamento e Recursos', 'csv'],
  ['official_messages', 'Mensagens Oficial', 'Faturamento e Recursos', 'csv'],
  ['login_logout', 'Login/Logout', 'Faturamento e Recursos', 'csv'],
  ['service_history', 'Histórico de Atendimento', 'Atendimento e Suporte', 'csv'],
  ['service_statistics', 'Estatísticas de Atendimento', 'Atendimento e Suporte', 'csv'],
  ['service_summary', 'Resumo de Atendimentos', 'Atendimento e Suporte', 'csv'],
  ['ticket_detail', 'Detalhe do Ticket', 'Gestão de Tickets', 'pdf'],
  ['ticket_summary', 'Resumo de Tickets', 'Gestão de Tickets', 'csv'],
  ['webhook_events', 'Eventos Webhooks', 'API e Integrações', 'csv'],
];

describeCatalogue(REPORTS, ({ stack, operator }) => {
  it('when asked, then it lists exactly the registered types, the product page\'s among them with their names', async () => {
    const reportTypes = await readCatalogue(operator());
    expect(reportTypes.map((t) => t.type).sort()).toEqual(REPORTS.map((r) => r.type).sort());
    expect(reportTypes.map((t) => [t.type, t.name, t.category, t.format])).toEqual(expect.arrayContaining(PRODUCT_PAGE_TYPES));
  });

  it('when asked, then the built-in filters have their exact shape, maxDays and period alternative', async () => {
    const reportTypes = await readCatalogue(operator());
    const summary = reportTypes.find((t) => t.type === 'ticket_summary')!;
    expect(summary.filtersSchema.required).toEqual(expect.arrayContaining(['from', 'to']));
    expect(summary.filtersSchema.properties.statuses.items.enum).toEqual(['open', 'pending', 'paused', 'closed']);
    expect(summary.maxDays).toBeNull();
    const official = reportTypes.find((t) => t.type === 'official_messages')!;
    expect(official.maxDays).toBe(31);
    expect(official.periodAlternative!.filter).toBe('campaignId');
  });

  it('when there is no token, then 401', async () => {
    expect((await stack.api('/api/report-types')).status).toBe(401);
  });
});
