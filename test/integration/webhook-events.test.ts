import { beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, createCompany, createWebhookEvent } from '../setup/rows';
import { csvFile, ReportsApi, useCompany, useStack } from '../setup/reports-api';

const HEADER = 'Tipo de evento;Status HTTP;Campanha;Número do contato;ID da requisição;Data/hora;Tentativas de retry';
const OCTOBER = { from: '2026-10-01', to: '2026-10-31' };

describe('webhook_events through the HTTP API', () => {
  const stack = useStack();
  const sp = useCompany(stack, 'Loja São Paulo');
  const manaus = useCompany(stack, 'Loja Manaus', 'America/Manaus');
  let blackFriday: number;
  let promo: number;
  let otherCampaign: number;

  const row = {
    first: 'message.received;200;Black Friday;5511988887777;req-1;01/10/2026 00:00:00;0',
    failed: "campaign.finished;500;'=Promo;5521977776666;req-3;15/10/2026 09:00:00;4",
    sameInstant: 'message.sent;299;Black Friday;5511988887777;req-4;15/10/2026 09:00:00;1',
    redirect: 'message.sent;300;;5511988887777;req-5;20/10/2026 10:00:00;0',
    last: 'ticket.closed;;;;req-2;31/10/2026 23:59:59;2',
  };

  beforeAll(async () => {
    const { sql } = stack;
    const other = await createCompany(sql, 'OUTRA-EMPRESA');
    blackFriday = await createCampaign(sql, sp.id, 'Black Friday');
    promo = await createCampaign(sql, sp.id, '=Promo');
    otherCampaign = await createCampaign(sql, other.id, 'OUTRA-EMPRESA campanha');

    // Inserted out of time order: the file is sorted by created_at, then id.
    // 31/10 23:59:59 in São Paulo, no HTTP answer, 3 attempts: in.
    await createWebhookEvent(sql, sp.id, { eventType: 'ticket.closed', requestId: 'req-2', createdAt: '2026-11-01T02:59:59Z', attempts: 3 });
    // 01/10 00:00:00: in.
    await createWebhookEvent(sql, sp.id, {
      eventType: 'message.received', requestId: 'req-1', createdAt: '2026-10-01T03:00:00Z', httpStatus: 200, campaignId: blackFriday, contactNumber: '5511988887777',
    });
    await createWebhookEvent(sql, sp.id, {
      eventType: 'campaign.finished', requestId: 'req-3', createdAt: '2026-10-15T12:00:00Z', httpStatus: 500, campaignId: promo, contactNumber: '5521977776666', attempts: 5,
    });
    await createWebhookEvent(sql, sp.id, {
      eventType: 'message.sent', requestId: 'req-4', createdAt: '2026-10-15T12:00:00Z', httpStatus: 299, campaignId: blackFriday, contactNumber: '5511988887777', attempts: 2,
    });
    await createWebhookEvent(sql, sp.id, {
      eventType: 'message.sent', requestId: 'req-5', createdAt: '2026-10-20T13:00:00Z', httpStatus: 300, contactNumber: '5511988887777',
    });
    // One second before `from`, and 00:00:00 the day after `to`: out.
    await createWebhookEvent(sql, sp.id, { eventType: 'message.sent', requestId: 'req-before', createdAt: '2026-10-01T02:59:59Z', httpStatus: 200 });
    await createWebhookEvent(sql, sp.id, { eventType: 'message.sent', requestId: 'req-after', createdAt: '2026-11-01T03:00:00Z', httpStatus: 200 });
    await createWebhookEvent(sql, other.id, {
      eventType: 'message.sent', requestId: 'OUTRA-EMPRESA-req', createdAt: '2026-10-15T12:00:00Z', httpStatus: 200,
      campaignId: otherCampaign, contactNumber: '5511988887777',
    });
    // Manaus (UTC-4): 01/10 00:00:00 is 04:00Z.
    for (const [requestId, createdAt] of [['m-before', '2026-10-01T03:59:59Z'], ['m-first', '2026-10-01T04:00:00Z'], ['m-last', '2026-10-02T03:59:59Z'], ['m-after', '2026-10-02T04:00:00Z']]) {
      await createWebhookEvent(sql, manaus.id, { eventType: 'message.sent', requestId, createdAt, httpStatus: 201 });
    }
  }, 120_000);

  const rows = async (filters: Record<string, unknown>, token = sp.token) =>
    (await new ReportsApi(stack, token).run('webhook_events', filters)).bytes.toString('utf8');

  it('when a month is asked with no other filter, then the file holds exactly its events in time order, cell by cell', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run('webhook_events', OCTOBER);
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [row.first, row.failed, row.sameInstant, row.redirect, row.last]));
    expect(report).toMatchObject({ rowCount: 5, fileName: 'eventos-webhooks_2026-10-01_2026-10-31.csv' });
    expect(bytes.toString('utf8')).not.toContain('OUTRA-EMPRESA');
  });

  it('when every filter is set, then only the event matching all of them remains', async () => {
    expect(await rows({
      ...OCTOBER, eventTypes: ['message.received', 'message.sent'], requestStatus: 'success',
      contactNumber: '5511988887777', requestId: 'req-4', campaignIds: [blackFriday],
    })).toBe(csvFile(HEADER, [row.sameInstant]));
  });

  it.each([
    // Filters are functions: campaign ids exist only once beforeAll has run.
    ['success (200 to 299)', () => ({ requestStatus: 'success' }), ['first', 'sameInstant']],
    ['failure (anything else, no answer included)', () => ({ requestStatus: 'failure' }), ['failed', 'redirect', 'last']],
    ['all', () => ({ requestStatus: 'all' }), ['first', 'failed', 'sameInstant', 'redirect', 'last']],
    ['an event type', () => ({ eventTypes: ['message.sent'] }), ['sameInstant', 'redirect']],
    ['an empty event type list', () => ({ eventTypes: [] }), ['first', 'failed', 'sameInstant', 'redirect', 'last']],
    ['a campaign', () => ({ campaignIds: [promo] }), ['failed']],
    ['a contact number', () => ({ contactNumber: '5511988887777' }), ['first', 'sameInstant', 'redirect']],
    ['a request id', () => ({ requestId: 'req-2' }), ['last']],
  ] as const)('when filtered by %s, then only those events remain', async (_what, filter, expected) => {
    expect(await rows({ ...OCTOBER, ...filter() })).toBe(csvFile(HEADER, expected.map((k) => row[k])));
  });

  it('when text filters hold SQL, then they are compared as values and match nothing', async () => {
    expect(await rows({ ...OCTOBER, contactNumber: "' or 1=1 --" })).toBe(csvFile(HEADER, []));
    expect(await rows({ ...OCTOBER, requestId: "req-1' or '1'='1" })).toBe(csvFile(HEADER, []));
    expect(await rows({ ...OCTOBER, eventTypes: ["x') or true --", 'x"}'] })).toBe(csvFile(HEADER, []));
  });

  it('when the company is in Manaus, then days are Manaus days', async () => {
    expect(await rows({ from: '2026-10-01', to: '2026-10-01' }, manaus.token)).toBe(csvFile(HEADER, [
      'message.sent;201;;;m-first;01/10/2026 00:00:00;0',
      'message.sent;201;;;m-last;01/10/2026 23:59:59;0',
    ]));
  });

  it('when the range is exactly 31 days, then it is accepted', async () => {
    expect(await rows({ from: '2026-10-01', to: '2026-10-31' })).toContain(row.last);
  });

  it.each([
    ['no from', { to: '2026-10-31' }, ['filters.from']],
    ['no to', { from: '2026-10-01' }, ['filters.to']],
    ['from after to', { from: '2026-10-02', to: '2026-10-01' }, ['filters.from']],
    ['32 days', { from: '2026-10-01', to: '2026-11-01' }, ['filters.to']],
    ['an unknown request status', { ...OCTOBER, requestStatus: 'ok' }, ['filters.requestStatus']],
    ['event types that are not a list', { ...OCTOBER, eventTypes: 'message.sent' }, ['filters.eventTypes']],
    ['an empty event type', { ...OCTOBER, eventTypes: ['message.sent', ''] }, ['filters.eventTypes.1']],
    ['a contact number that is not text', { ...OCTOBER, contactNumber: 5511988887777 }, ['filters.contactNumber']],
    ['an empty request id', { ...OCTOBER, requestId: '' }, ['filters.requestId']],
    ['a campaign id that is not a number', { ...OCTOBER, campaignIds: ['1'] }, ['filters.campaignIds.0']],
    ['an unknown filter', { ...OCTOBER, status: 'success' }, ['filters.status']],
  ])('when the filters have %s, then 400 names %s', async (_what, filters, paths) => {
    expect(await new ReportsApi(stack, sp.token).refusedPaths('webhook_events', filters)).toEqual(paths);
  });

  it("when another company's campaign id is given, then 400 names its position", async () => {
    expect(await new ReportsApi(stack, sp.token).refusedPaths('webhook_events', { ...OCTOBER, campaignIds: [blackFriday, otherCampaign] }))
      .toEqual(['filters.campaignIds.1']);
    expect(await new ReportsApi(stack, sp.token).refusedPaths('webhook_events', { ...OCTOBER, campaignIds: [999_999] })).toEqual(['filters.campaignIds.0']);
  });
});
