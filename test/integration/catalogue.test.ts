import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompany } from '../setup/fixtures';
import { startStack, type Stack } from '../setup/stack';

const EXPECTED = [
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

describe('GET /api/report-types', () => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack();
    const company = await createCompany(stack.sql, 'Catálogo SA');
    token = stack.tokenFor({ id: company.user, companyId: company.id });
  }, 120_000);
  afterAll(() => stack?.stop());

  it('when asked, then it lists the ten types of the product page with name, category, format and filter schema', async () => {
    const res = await stack.api('/api/report-types', { token });
    expect(res.status).toBe(200);
    const { reportTypes } = (await res.json()) as { reportTypes: { type: string; name: string; category: string; format: string; description: string; filtersSchema: any }[] };
    expect(reportTypes.map((t) => [t.type, t.name, t.category, t.format]).sort()).toEqual([...EXPECTED].sort());
    for (const t of reportTypes) {
      expect(t.description.length).toBeGreaterThan(5);
      expect(t.filtersSchema.type).toBe('object');
      expect(t.filtersSchema.additionalProperties).toBe(false);
    }
    const summary = reportTypes.find((t) => t.type === 'ticket_summary')!.filtersSchema;
    expect(summary.required).toEqual(expect.arrayContaining(['from', 'to']));
    expect(summary.properties.statuses.items.enum).toEqual(['open', 'pending', 'paused', 'closed']);
  });

  it('when asked, then every type brings a pt-BR label for each filter and enum value, its maxDays and option sources', async () => {
    const { reportTypes } = (await (await stack.api('/api/report-types', { token })).json()) as { reportTypes: any[] };
    for (const t of reportTypes) {
      for (const [name, schema] of Object.entries<any>(t.filtersSchema.properties ?? {})) {
        expect(t.filterLabels[name], `${t.type}.${name}`).toBeTruthy();
        for (const v of [...(schema.enum ?? []), ...(schema.items?.enum ?? [])]) expect(t.valueLabels[v], `${t.type}.${name}=${v}`).toBeTruthy();
        if (t.optionSources[name]) expect(['queues', 'operators', 'campaigns', 'costCenters']).toContain(t.optionSources[name]);
      }
      for (const p of t.periods) expect(t.valueLabels[p], `${t.type} period ${p}`).toBeTruthy();
    }
    const official = reportTypes.find((t) => t.type === 'official_messages');
    expect(official.maxDays).toBe(31);
    expect(official.periodAlternative.filter).toBe('campaignId');
    expect(reportTypes.find((t) => t.type === 'ticket_summary').maxDays).toBeNull();
  });

  it('when there is no token, then 401', async () => {
    expect((await stack.api('/api/report-types')).status).toBe(401);
  });
});
