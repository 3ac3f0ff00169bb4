import { beforeAll, describe, expect, it } from 'vitest';
import { parseReportCsv } from '../setup/csv';
import { type OfficialMessageInput, createCampaign, createCompany, createCostCenter, createOfficialMessage, createOfficialMessagesInBulk, createQueue, createWhatsapp, platformFingerprint } from '../setup/rows';
import { csvFile, expectWholeCsv, ReportsApi, useCompany, useStack } from '../setup/reports-api';
import { describeStreaming } from '../setup/suites/streaming';

const TYPE = 'official_messages';
const HEADER = 'ID da mensagem;Número do contato;Número do WhatsApp;Tipo de mensagem;Template usado;Data/hora de envio;Status de entrega;Custo;Centro de custo;Campanha';
const OCTOBER = { from: '2026-10-01', to: '2026-10-31' };
const MARIA = '5511988887777';
const JOAO = '5521977776666';
const MAIN_NUMBER = '5511900000000'; // createCompany gives every company this number: the other company's too
const VENDAS_NUMBER = '5511955554444';

describe('official_messages through the HTTP API', () => {
  const stack = useStack();
  const sp = useCompany(stack, 'Loja São Paulo');
  const other = useCompany(stack, 'OUTRA-EMPRESA', 'America/Manaus');
  let ids: Record<string, number>;

  beforeAll(async () => {
    const { sql } = stack;

    const vendasWhatsapp = await createWhatsapp(sql, sp.id, { name: 'Vendas', number: VENDAS_NUMBER, wabaId: 'waba-2' });
    const marketing = await createCostCenter(sql, sp.id, 'Marketing');
    const financeiro = await createCostCenter(sql, sp.id, '=Financeiro');
    const blackFriday = await createCampaign(sql, sp.id, 'Black Friday; "VIP"');
    const natal = await createCampaign(sql, sp.id, 'Natal');
    const suporte = await createQueue(sql, sp.id, 'Suporte');
    const vendas = await createQueue(sql, sp.id, 'Vendas');
    const otherCostCenter = await createCostCenter(sql, other.id, 'OUTRA-EMPRESA centro');
    const otherCampaign = await createCampaign(sql, other.id, 'OUTRA-EMPRESA campanha');
    const otherQueue = await createQueue(sql, other.id, 'OUTRA-EMPRESA fila');
    ids = { vendasWhatsapp, marketing, financeiro, blackFriday, natal, suporte, vendas, otherCostCenter, otherCampaign, otherQueue };

    const promo = (wamid: string, sentAt: string): OfficialMessageInput => ({
      wamid, sentAt, whatsappId: sp.whatsapp, contactNumber: MARIA, messageType: 'hsm', templateName: 'promo',
      billable: true, cost: '0.0625', costCenterId: marketing, campaignId: blackFriday, queueId: suporte,
    });
    // Inserted out of time order, so that ids do not follow sent_at.
    await createOfficialMessage(sql, sp.id, {
      wamid: 'wamid.LAST', sentAt: '2026-11-01T02:59:59Z', whatsappId: vendasWhatsapp, contactNumber: JOAO, direction: 'received',
      messageType: 'session', deliveryStatus: 'read', queueId: vendas,
    });
    await createOfficialMessage(sql, sp.id, { ...promo('wamid.FIRST', '2026-10-01T03:00:00Z'), templateName: '+promo_outubro', deliveryStatus: 'accepted' });
    // Same instant: the one with the lower id first, whatever its wamid.
    await createOfficialMessage(sql, sp.id, {
      wamid: 'wamid.TIE-Z', sentAt: '2026-10-15T15:00:00Z', whatsappId: sp.whatsapp, contactNumber: MARIA, messageType: 'hsm',
      templateName: 'boleto_vencendo', billable: true, cost: '0.0080', costCenterId: financeiro, campaignId: natal, queueId: vendas,
    });
    await createOfficialMessage(sql, sp.id, {
      wamid: 'wamid.TIE-A', sentAt: '2026-10-15T15:00:00Z', whatsappId: sp.whatsapp, contactNumber: JOAO, deliveryStatus: 'failed',
    });
    await createOfficialMessage(sql, sp.id, { ...promo('wamid.SENT', '2026-10-20T13:30:45Z'), templateName: 'pesquisa', deliveryStatus: 'sent' });
    // One second before `from` and 00:00:00 after `to`; and a campaign message long before.
    await createOfficialMessage(sql, sp.id, promo('wamid.BEFORE', '2026-10-01T02:59:59Z'));
    await createOfficialMessage(sql, sp.id, promo('wamid.AFTER', '2026-11-01T03:00:00Z'));
    await createOfficialMessage(sql, sp.id, promo('wamid.OLD', '2025-12-24T15:00:00Z'));
    await createOfficialMessage(sql, other.id, {
      wamid: 'wamid.OUTRA-EMPRESA', sentAt: '2026-10-10T12:00:00Z', whatsappId: other.whatsapp, contactNumber: MARIA, messageType: 'hsm',
      templateName: 'OUTRA-EMPRESA modelo', billable: true, cost: '0.0625', costCenterId: otherCostCenter, campaignId: otherCampaign, queueId: otherQueue,
    });
  }, 120_000);

  const ROWS = {
    FIRST: `wamid.FIRST;${MARIA};${MAIN_NUMBER};HSM;'+promo_outubro;01/10/2026 00:00:00;Aceita;0,0625;Marketing;"Black Friday; ""VIP"""`,
    TIE_Z: `wamid.TIE-Z;${MARIA};${MAIN_NUMBER};HSM;boleto_vencendo;15/10/2026 12:00:00;Entregue;0,0080;'=Financeiro;Natal`,
    TIE_A: `wamid.TIE-A;${JOAO};${MAIN_NUMBER};Sessão;;15/10/2026 12:00:00;Falhou;0,0000;;`,
    SENT: `wamid.SENT;${MARIA};${MAIN_NUMBER};HSM;pesquisa;20/10/2026 10:30:45;Enviada;0,0625;Marketing;"Black Friday; ""VIP"""`,
    LAST: `wamid.LAST;${JOAO};${VENDAS_NUMBER};Sessão;;31/10/2026 23:59:59;Lida;0,0000;;`,
  };
  const wamids = (bytes: Buffer) => parseReportCsv(bytes).slice(1).map((r) => r[0]);

  it('when a month is asked with no other filter, then the file holds its messages in time order, cell by cell', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run(TYPE, OCTOBER);
    expectWholeCsv(report, bytes, csvFile(HEADER, [ROWS.FIRST, ROWS.TIE_Z, ROWS.TIE_A, ROWS.SENT, ROWS.LAST]), 'mensagens-oficial_2026-10-01_2026-10-31.csv', 5);
  });

  it('when every filter is set, then only the messages matching all of them remain, cell by cell', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run(TYPE, {
      ...OCTOBER, messageType: 'hsm', origin: 'sent', costCenterIds: [ids.marketing], queueIds: [ids.suporte], campaignIds: [ids.blackFriday],
      contactNumber: MARIA, whatsappNumber: MAIN_NUMBER, billable: true,
    });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [ROWS.FIRST, ROWS.SENT]));
    expect(report.rowCount).toBe(2);
  });

  it.each([
    ['messageType hsm', { messageType: 'hsm' }, ['wamid.FIRST', 'wamid.TIE-Z', 'wamid.SENT']],
    ['messageType session', { messageType: 'session' }, ['wamid.TIE-A', 'wamid.LAST']],
    ['messageType all', { messageType: 'all', origin: 'all' }, ['wamid.FIRST', 'wamid.TIE-Z', 'wamid.TIE-A', 'wamid.SENT', 'wamid.LAST']],
    ['origin sent', { origin: 'sent' }, ['wamid.FIRST', 'wamid.TIE-Z', 'wamid.TIE-A', 'wamid.SENT']],
    ['origin received', { origin: 'received' }, ['wamid.LAST']],
    ['one cost center', { costCenterIds: ['financeiro'] }, ['wamid.TIE-Z']],
    ['two cost centers', { costCenterIds: ['marketing', 'financeiro'] }, ['wamid.FIRST', 'wamid.TIE-Z', 'wamid.SENT']],
    ['a queue', { queueIds: ['vendas'] }, ['wamid.TIE-Z', 'wamid.LAST']],
    ['a campaign list', { campaignIds: ['natal'] }, ['wamid.TIE-Z']],
    ['a contact number', { contactNumber: JOAO }, ['wamid.TIE-A', 'wamid.LAST']],
    ['a WhatsApp number', { whatsappNumber: VENDAS_NUMBER }, ['wamid.LAST']],
    ['an unknown number', { whatsappNumber: '5511' }, []],
    ['billable false', { billable: false }, ['wamid.TIE-A', 'wamid.LAST']],
    ['billable true', { billable: true }, ['wamid.FIRST', 'wamid.TIE-Z', 'wamid.SENT']],
  ])('when filtered by %s, then exactly those messages remain', async (_what, filter, expected) => {
    // Ids are named in the table (they exist only once the data is arranged).
    const resolved = Object.fromEntries(
      Object.entries(filter).map(([k, v]) => [k, Array.isArray(v) ? v.map((name) => ids[name as string]) : v]),
    );
    const { bytes } = await new ReportsApi(stack, sp.token).run(TYPE, { ...OCTOBER, ...resolved });
    expect(wamids(bytes)).toEqual(expected);
  });

  it('when a campaign is asked instead of dates, then all its messages come, whatever their dates', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run(TYPE, { campaignId: ids.blackFriday });
    const promo = (wamid: string, at: string, template = 'promo', status = 'Entregue') =>
      `${wamid};${MARIA};${MAIN_NUMBER};HSM;${template};${at};${status};0,0625;Marketing;"Black Friday; ""VIP"""`;
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      promo('wamid.OLD', '24/12/2025 12:00:00'),
      promo('wamid.BEFORE', '30/09/2026 23:59:59'),
      ROWS.FIRST,
      ROWS.SENT,
      promo('wamid.AFTER', '01/11/2026 00:00:00'),
    ]));
    expect(report).toMatchObject({ rowCount: 5, fileName: `mensagens-oficial_campanha-${ids.blackFriday}.csv` });
    const narrowed = await new ReportsApi(stack, sp.token).run(TYPE, { campaignId: ids.blackFriday, campaignIds: [ids.blackFriday], origin: 'sent', billable: true, contactNumber: MARIA });
    expect(wamids(narrowed.bytes)).toEqual(['wamid.OLD', 'wamid.BEFORE', 'wamid.FIRST', 'wamid.SENT', 'wamid.AFTER']);
  });

  it('when nothing matches, then the file is READY with only the header', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run(TYPE, { from: '2020-01-01', to: '2020-01-31' });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, []));
    expect(report).toMatchObject({ rowCount: 0, progress: { rows: 0, totalRows: 0 } });
  });

  it('when the company is in Manaus, then the day runs from 00:00:00 to 23:59:59 Manaus time', async () => {
    const manaus = await createCompany(stack.sql, 'Óticas Manaus', 'America/Manaus');
    const at = (wamid: string, sentAt: string) =>
      createOfficialMessage(stack.sql, manaus.id, { wamid, sentAt, whatsappId: manaus.whatsapp, contactNumber: '5592933334444' });
    await at('wamid.M-BEFORE', '2026-12-01T03:59:59Z');
    await at('wamid.M-FIRST', '2026-12-01T04:00:00Z');
    await at('wamid.M-LAST', '2026-12-02T03:59:59Z');
    await at('wamid.M-AFTER', '2026-12-02T04:00:00Z');
    const manausToken = stack.tokenFor({ id: manaus.admin, companyId: manaus.id });
    const { bytes } = await new ReportsApi(stack, manausToken).run(TYPE, { from: '2026-12-01', to: '2026-12-01' });
    expect(parseReportCsv(bytes).slice(1).map((r) => [r[0], r[5]])).toEqual([
      ['wamid.M-FIRST', '01/12/2026 00:00:00'],
      ['wamid.M-LAST', '01/12/2026 23:59:59'],
    ]);
  });

  it('when the numbers look like SQL, then they are only values: no row, nothing changed', async () => {
    const before = await platformFingerprint(stack.sql);
    for (const filters of [
      { contactNumber: `${MARIA}' or '1'='1` },
      { whatsappNumber: `${MAIN_NUMBER}'); delete from official_messages; --` },
      { contactNumber: `'; drop table official_messages; --`, whatsappNumber: `" or 1=1 --` },
      { contactNumber: `${MARIA}\\' or 1=1 --`, whatsappNumber: '{5511900000000}' },
    ]) {
      const { report, bytes } = await new ReportsApi(stack, sp.token).run(TYPE, { ...OCTOBER, ...filters });
      expect(bytes.toString('utf8')).toBe(csvFile(HEADER, []));
      expect(report.rowCount).toBe(0);
    }
    expect(await platformFingerprint(stack.sql)).toBe(before);
  });

  it.each([
    ['neither dates nor a campaign', {}, ['filters.from', 'filters.to']],
    ['a campaign and dates', { campaignId: 'blackFriday', ...OCTOBER }, ['filters.campaignId']],
    ['a campaign and one date', { campaignId: 'blackFriday', to: '2026-10-31' }, ['filters.campaignId']],
    ['from without to', { from: '2026-10-01' }, ['filters.to']],
    ['to without from', { to: '2026-10-31' }, ['filters.from']],
    ['from after to', { from: '2026-10-02', to: '2026-10-01' }, ['filters.from']],
    ['32 days', { from: '2026-10-01', to: '2026-11-01' }, ['filters.to']],
    ['a day that does not exist', { from: '2026-02-30', to: '2026-03-02' }, ['filters.from']],
    ['an unknown messageType', { ...OCTOBER, messageType: 'template' }, ['filters.messageType']],
    ['an unknown origin', { ...OCTOBER, origin: 'both' }, ['filters.origin']],
    ['billable as text', { ...OCTOBER, billable: 'true' }, ['filters.billable']],
    ['a number as contactNumber', { ...OCTOBER, contactNumber: 5511988887777 }, ['filters.contactNumber']],
    ['an empty whatsappNumber', { ...OCTOBER, whatsappNumber: '' }, ['filters.whatsappNumber']],
    ['a campaignId as text', { campaignId: '5' }, ['filters.campaignId']],
    ['a cost center id as text', { ...OCTOBER, costCenterIds: ['x'] }, ['filters.costCenterIds.0']],
    ['an unknown filter', { ...OCTOBER, color: 'red' }, ['filters.color']],
  ])('when the filters have %s, then 400 names %s', async (_what, filters, paths) => {
    const resolved = { ...filters } as Record<string, unknown>;
    if (resolved.campaignId === 'blackFriday') resolved.campaignId = ids.blackFriday;
    const { errors } = await new ReportsApi(stack, sp.token).refusal(TYPE, resolved);
    expect(errors.map((e) => e.path)).toEqual(paths);
    for (const e of errors) expect(e.message).toContain(e.path);
  });

  it('when the period and the campaign are both missing or both given, then the message names from, to and campaignId', async () => {
    for (const filters of [{}, { campaignId: ids.blackFriday, ...OCTOBER }]) {
      const { errors } = await new ReportsApi(stack, sp.token).refusal(TYPE, filters);
      for (const e of errors) expect(e.message).toMatch(/from.*to.*campaignId/s);
    }
  });

  it("when another company's or an unknown id is given, then 400 names its field and position", async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ ...OCTOBER, costCenterIds: [ids.marketing, ids.otherCostCenter] }, ['filters.costCenterIds.1']],
      [{ ...OCTOBER, queueIds: [ids.otherQueue] }, ['filters.queueIds.0']],
      [{ ...OCTOBER, campaignIds: [ids.natal, ids.otherCampaign, 999_999] }, ['filters.campaignIds.1', 'filters.campaignIds.2']],
      [{ campaignId: ids.otherCampaign }, ['filters.campaignId']],
    ];
    for (const [filters, paths] of cases) {
      const { errors } = await new ReportsApi(stack, sp.token).refusal(TYPE, filters);
      expect(errors.map((e) => e.path)).toEqual(paths);
    }
  });
});

describeStreaming({
  type: TYPE, filters: OCTOBER, rows: 5000, key: '(sent_at, id)',
  async arrange(stack) {
    const company = await createCompany(stack.sql, 'Disparos em Massa');
    await createOfficialMessagesInBulk(stack.sql, company.id, { whatsappId: company.whatsapp, count: 5000, firstSentAt: '2026-10-05T12:00:00Z', prefix: 'wamid.BULK' });
    return {
      api: new ReportsApi(stack, stack.tokenFor({ id: company.admin, companyId: company.id })),
      expectRows: (rows) => expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 5000 }, (_, n) => `wamid.BULK-${n}`)),
    };
  },
});
