// The one scenario the tracking reports' tests (service_statistics, service_summary) count by hand: every
// kind of tracking the definitions in reports.md treat differently.
import type { Sql } from '../../src/db/connection';
import { createCompany, createContact, createMessage, createQueue, createTicket, createTracking, createUser, type CompanyFixture, type Sender, type TrackingInput } from './rows';

export interface ServiceScenario {
  sp: CompanyFixture;
  manaus: CompanyFixture;
  other: CompanyFixture;
  queues: { suporte: number; financeiro: number; otherQueue: number };
  operators: { ana: number; bruno: number; carlos: number; otherOperator: number };
}

/**
 * São Paulo (UTC-3), range 2026-10-01..2026-10-03 (local 00:00 on 01/10 is 03:00Z). Tickets by current
 * status: A closed, B open, C pending, D paused, F pending, E (outside trackings only) open.
 *
 * | tracking | ticket | local day | queue      | operator      | queued→started | first reply         | started→finished |
 * | T1       | A      | 01/10     | Suporte    | Ana           | 120 s          | 140 s               | 1680 s           |
 * | T2       | A      | 01/10     | Financeiro | Ana           | 601 s          | 181 s (*)           | 2999 s           |
 * | T3       | B      | 01/10     | Financeiro | bruno         | 300 s          | none (system only)  | unfinished       |
 * | T4       | C      | 03/10     | Financeiro | —             | not started    | none                | —                |
 * | T5       | D      | 03/10 (**)| —          | @Carlos       | not queued     | 100 s (***)         | 1201 s           |
 * | T6       | F      | 03/10     | Suporte    | Ana           | 30 s           | no messages         | unfinished       |
 * (*) Ana wrote before the customer's first message: that message does not count.
 * (**) created 23:59:59 local on `to`. (***) a system message came first and does not count; both the
 * system message and the reply are after the range end (they count for the reply time, not as Mensagens).
 * Messages in the range per tracking (received/sent): T1 2/2, T2 1/2, T3 1/1, T4 1/0, T5 1/0, T6 0/0;
 * one more customer message of ticket B has no tracking. Trackings one second outside the range, with
 * messages inside the range, exist on ticket E. OUTRA-EMPRESA (also São Paulo) has a tracking in the range.
 *
 * Manaus (UTC-4), range 2026-10-01..2026-10-02 (local 00:00 on 01/10 is 04:00Z): M1 (ticket G open,
 * Atendimento, its operator, 60 s wait, 45 s reply, 600 s service) at 00:00:00 local; M2 (ticket H closed,
 * Atendimento, same operator, no times, no messages) at 2026-10-02T03:30Z, which is 01/10 in Manaus but
 * 02/10 in São Paulo; M3 (ticket I pending, no queue, no operator, one customer message) at 23:59:59 local
 * on 02/10; and trackings one second outside, with messages inside the range, on ticket J.
 */
export async function arrangeServiceScenario(sql: Sql): Promise<ServiceScenario> {
  const sp = await createCompany(sql, 'Loja São Paulo');
  const manaus = await createCompany(sql, 'Loja Manaus', 'America/Manaus');
  const other = await createCompany(sql, 'OUTRA-EMPRESA');

  const suporte = await createQueue(sql, sp.id, 'Suporte');
  const financeiro = await createQueue(sql, sp.id, 'Financeiro');
  const ana = await createUser(sql, sp.id, 'Ana Souza', 'user');
  const bruno = await createUser(sql, sp.id, 'bruno Lima', 'user');
  const carlos = await createUser(sql, sp.id, '@Carlos Dias', 'user');
  const maria = await createContact(sql, sp.id, 'Maria', '5511988887777');
  const w = sp.whatsapp;
  const ticket = (status: 'open' | 'pending' | 'paused' | 'closed') =>
    createTicket(sql, sp.id, { contactId: maria, whatsappId: w, createdAt: '2026-09-30T12:00:00Z', status });
  const [a, b, c, d, e, f] = [await ticket('closed'), await ticket('open'), await ticket('pending'),
    await ticket('paused'), await ticket('open'), await ticket('pending')];
  const track = (t: Omit<TrackingInput, 'whatsappId'>) => createTracking(sql, sp.id, { ...t, whatsappId: w });
  const say = (ticketId: number, trackingId: number | null, from: Sender, createdAt: string) =>
    createMessage(sql, sp.id, { ticketId, trackingId, contactId: maria, from, createdAt });

  const t1 = await track({ ticketId: a, createdAt: '2026-10-01T03:00:00Z', queueId: suporte, userId: ana,
    queuedAt: '2026-10-01T03:00:00Z', startedAt: '2026-10-01T03:02:00Z', finishedAt: '2026-10-01T03:30:00Z' });
  await say(a, t1, 'customer', '2026-10-01T03:00:10Z');
  await say(a, t1, { operator: ana }, '2026-10-01T03:02:30Z');
  await say(a, t1, 'customer', '2026-10-01T03:05:00Z');
  await say(a, t1, { operator: ana }, '2026-10-01T03:06:00Z');

  const t2 = await track({ ticketId: a, createdAt: '2026-10-01T15:00:00Z', queueId: financeiro, userId: ana,
    queuedAt: '2026-10-01T15:00:00Z', startedAt: '2026-10-01T15:10:01Z', finishedAt: '2026-10-01T16:00:00Z' });
  await say(a, t2, { operator: ana }, '2026-10-01T15:00:05Z');
  await say(a, t2, 'customer', '2026-10-01T15:01:00Z');
  await say(a, t2, { operator: ana }, '2026-10-01T15:04:01Z');

  const t3 = await track({ ticketId: b, createdAt: '2026-10-01T20:00:00Z', queueId: financeiro, userId: bruno,
    queuedAt: '2026-10-01T20:00:00Z', startedAt: '2026-10-01T20:05:00Z' });
  await say(b, t3, 'customer', '2026-10-01T20:00:30Z');
  await say(b, t3, 'system', '2026-10-01T20:00:31Z');
  await say(b, null, 'customer', '2026-10-01T21:00:00Z');

  const t4 = await track({ ticketId: c, createdAt: '2026-10-03T12:00:00Z', queueId: financeiro, queuedAt: '2026-10-03T12:00:00Z' });
  await say(c, t4, 'customer', '2026-10-03T12:00:00Z');

  const t5 = await track({ ticketId: d, createdAt: '2026-10-04T02:59:59Z', userId: carlos,
    startedAt: '2026-10-04T02:59:59Z', finishedAt: '2026-10-04T03:20:00Z' });
  await say(d, t5, 'customer', '2026-10-04T02:59:59Z');
  await say(d, t5, 'system', '2026-10-04T03:00:00Z');
  await say(d, t5, { operator: carlos }, '2026-10-04T03:01:39Z');

  await track({ ticketId: f, createdAt: '2026-10-03T15:00:00Z', queueId: suporte, userId: ana,
    queuedAt: '2026-10-03T15:00:00Z', startedAt: '2026-10-03T15:00:30Z' });

  // Their messages are inside the range: they must still not count, for their trackings do not.
  for (const createdAt of ['2026-10-01T02:59:59Z', '2026-10-04T03:00:00Z']) {
    const outside = await track({ ticketId: e, createdAt, queueId: suporte, userId: ana, queuedAt: createdAt, startedAt: createdAt });
    await say(e, outside, 'customer', '2026-10-01T03:00:05Z');
    await say(e, outside, { operator: ana }, '2026-10-01T03:00:06Z');
  }

  const otherQueue = await createQueue(sql, other.id, 'OUTRA-EMPRESA fila');
  const otherOperator = await createUser(sql, other.id, 'OUTRA-EMPRESA operador', 'user');
  const otherContact = await createContact(sql, other.id, 'OUTRA-EMPRESA contato', '5511911112222');
  const otherTicket = await createTicket(sql, other.id, { contactId: otherContact, whatsappId: other.whatsapp, createdAt: '2026-10-01T12:00:00Z' });
  const otherTracking = await createTracking(sql, other.id, {
    ticketId: otherTicket, whatsappId: other.whatsapp, createdAt: '2026-10-01T12:00:00Z', queueId: otherQueue, userId: otherOperator,
    queuedAt: '2026-10-01T12:00:00Z', startedAt: '2026-10-01T12:00:01Z', finishedAt: '2026-10-01T12:00:02Z',
  });
  for (const from of ['customer', { operator: otherOperator }] as const) {
    await createMessage(sql, other.id, {
      ticketId: otherTicket, trackingId: otherTracking, contactId: otherContact, from, createdAt: '2026-10-01T12:00:01Z', body: 'OUTRA-EMPRESA',
    });
  }

  await arrangeManaus(sql, manaus);
  return { sp, manaus, other, queues: { suporte, financeiro, otherQueue }, operators: { ana, bruno, carlos, otherOperator } };
}

async function arrangeManaus(sql: Sql, m: CompanyFixture): Promise<void> {
  const atendimento = await createQueue(sql, m.id, 'Atendimento');
  const contact = await createContact(sql, m.id, 'Cliente Manaus', '5592933334444');
  const ticket = (status: 'open' | 'pending' | 'closed') =>
    createTicket(sql, m.id, { contactId: contact, whatsappId: m.whatsapp, createdAt: '2026-09-30T12:00:00Z', status });
  const [g, h, i, j] = [await ticket('open'), await ticket('closed'), await ticket('pending'), await ticket('open')];
  const track = (t: Omit<TrackingInput, 'whatsappId'>) => createTracking(sql, m.id, { ...t, whatsappId: m.whatsapp });
  const say = (ticketId: number, trackingId: number, from: Sender, createdAt: string) =>
    createMessage(sql, m.id, { ticketId, trackingId, contactId: contact, from, createdAt });

  const m1 = await track({ ticketId: g, createdAt: '2026-10-01T04:00:00Z', queueId: atendimento, userId: m.user,
    queuedAt: '2026-10-01T04:00:00Z', startedAt: '2026-10-01T04:01:00Z', finishedAt: '2026-10-01T04:11:00Z' });
  await say(g, m1, 'customer', '2026-10-01T04:00:00Z');
  await say(g, m1, { operator: m.user }, '2026-10-01T04:00:45Z');
  await track({ ticketId: h, createdAt: '2026-10-02T03:30:00Z', queueId: atendimento, userId: m.user });
  const m3 = await track({ ticketId: i, createdAt: '2026-10-03T03:59:59Z' });
  await say(i, m3, 'customer', '2026-10-03T03:59:59Z');
  for (const createdAt of ['2026-10-01T03:59:59Z', '2026-10-03T04:00:00Z']) {
    const outside = await track({ ticketId: j, createdAt, queueId: atendimento, userId: m.user, queuedAt: createdAt, startedAt: createdAt });
    await say(j, outside, 'customer', '2026-10-01T12:00:00Z');
    await say(j, outside, { operator: m.user }, '2026-10-01T12:00:01Z');
  }
}

/** Every optional filter set: statuses drop T6 (pending), queueIds drop T5 (no queue), userIds drop T3 (bruno); T4 fails two. */
export const everyFilter = (s: ServiceScenario) => ({
  from: '2026-10-01', to: '2026-10-03', statuses: ['closed', 'open', 'paused'],
  queueIds: [s.queues.suporte, s.queues.financeiro], userIds: [s.operators.ana, s.operators.carlos],
});

/** Requests both tracking reports refuse, and the path each refusal names. */
export const SERVICE_FILTER_REFUSALS: [what: string, filters: Record<string, unknown>, path: string][] = [
  ['from is missing', { to: '2026-10-03' }, 'filters.from'],
  ['to is missing', { from: '2026-10-01' }, 'filters.to'],
  ['from is after to', { from: '2026-10-04', to: '2026-10-03' }, 'filters.from'],
  ['the range has 32 days', { from: '2026-10-01', to: '2026-11-01' }, 'filters.to'],
  ['a status is unknown', { from: '2026-10-01', to: '2026-10-03', statuses: ['lost'] }, 'filters.statuses.0'],
  ['a filter is unknown', { from: '2026-10-01', to: '2026-10-03', color: 'red' }, 'filters.color'],
];
