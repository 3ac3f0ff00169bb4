// Tickets and their trackings (attendances), planned in memory before anything is written: messages
// are streamed later, but tickets need their last message and trackings their time windows first.
import { CONTRACTS_FORMULA_LIKE } from './seed-data';
import { copyId, copyNullable, copyTime } from './seed-copy';
import { apportion, hash32, labelHash, Random } from './seed-random';
import { DAY, HOUR, isActive, isConnected, MINUTE, seconds, type Clock, type CompanyPlan, type ContactPlan, type UserPlan } from './seed-tenants';

export type TicketStatus = 'open' | 'pending' | 'paused' | 'closed';
const STATUSES: readonly TicketStatus[] = ['closed', 'open', 'pending', 'paused'];

export type TrackingPlan = {
  id: number; ticket: TicketPlan; user: UserPlan | null; queueId: number | null;
  createdAt: number; queuedAt: number | null; startedAt: number | null; finishedAt: number | null;
  /** Messages of this tracking lie in [createdAt, windowEnd); nothing of it happens later. */
  windowEnd: number;
  /** Index, within the ticket, of this tracking's first message; and how many it has. */
  firstMessage: number; messageCount: number;
};

export type TicketPlan = {
  id: number; company: CompanyPlan; key: number; local: number; contact: ContactPlan; whatsappId: number;
  status: TicketStatus; direction: 'inbound' | 'outbound'; contract: string | null; tagIds: number[];
  createdAt: number; updatedAt: number; closedAt: number | null;
  trackings: TrackingPlan[]; messageCount: number;
  /** Position of the ticket's first message among its company's messages, in write order. */
  companyOrdinal: number; lastMessage: string | null;
};

/** One company's whole conversation history; ids are assigned later, across companies, by time. */
export function planCompanyTickets(seed: number, company: CompanyPlan, clock: Clock): TicketPlan[] {
  const rng = new Random(seed, labelHash('tickets'), company.id);
  const count = company.ticketCount;
  // One very long conversation in big tenants: the ticket PDF must cope with 10,000 messages.
  const long = company.messageCount >= 100_000 ? 10_000 : 0;
  const weights = Array.from({ length: count }, (_, j) => (long && j === 12 ? 0 : 0.3 + rng.next() ** 3 * 8));
  const perTicket = apportion(company.messageCount - long, weights);
  if (long) perTicket[12] += long;
  return perTicket.map((messages, j) => planTicket(rng, company, j, messages, clock));
}

function planTicket(rng: Random, company: CompanyPlan, j: number, messageCount: number, clock: Clock): TicketPlan {
  // The first twelve tickets cover every status with 1, 2 and 3 trackings, both directions.
  const forced = j < 12;
  const status = forced ? STATUSES[j % 4] : STATUSES[rng.weighted([60, 15, 12, 13])];
  const direction = (forced ? (j + Math.floor(j / 4)) % 2 === 1 : rng.chance(0.3)) ? 'outbound' : 'inbound';
  const trackingCount = forced ? 1 + (Math.floor(j / 4) % 3) : 1 + rng.weighted([75, 18, 7]);
  const contact = company.contacts[Math.floor(rng.next() ** 1.5 * company.contacts.length)];
  const perTracking = apportion(messageCount, Array.from({ length: trackingCount }, () => 0.5 + rng.next()));

  // Times are first laid out relative to the ticket's opening, then shifted (and squeezed if needed).
  const trackings: TrackingPlan[] = [];
  let offset = 0;
  let firstMessage = 0;
  for (let i = 0; i < trackingCount; i++) {
    const last = i === trackingCount - 1;
    const finished = !last || status === 'closed';
    // Not started: still waiting (pending), or given up before anyone accepted it.
    const abandoned = finished && ((forced && j % 4 === 0 && trackingCount > 1 && i === 0) || (!forced && rng.chance(0.06)));
    const started = last && status === 'pending' ? false : !abandoned;
    const hasQueue = forced && i === 0 ? j % 5 !== 1 : rng.chance(0.85);
    const n = perTracking[i];
    const createdAt = offset;
    const queuedAt = hasQueue ? createdAt + rng.int(0, 5) * 1000 : null;
    const waitFrom = queuedAt ?? createdAt;
    const wait = 20_000 + seconds(rng.exponential(6 * MINUTE));
    const startedAt = started ? waitFrom + wait : null;
    const windowEnd = startedAt !== null
      ? startedAt + Math.max(3 * MINUTE, n * (20 + Math.floor(rng.next() * (n > 500 ? 20 : 150))) * 1000)
      : waitFrom + wait + n * 30_000;
    const finishedAt = finished ? windowEnd + (started ? rng.int(5, 600) : rng.int(60, 3600)) * 1000 : null;
    trackings.push({
      id: 0, ticket: null as unknown as TicketPlan, user: null, queueId: hasQueue ? rng.pick(company.queues).id : null,
      createdAt, queuedAt, startedAt, finishedAt, windowEnd, firstMessage, messageCount: n,
    });
    firstMessage += n;
    offset = (finishedAt ?? windowEnd) + 2 * HOUR + seconds(rng.exponential(DAY));
  }
  const span = trackings[trackingCount - 1].finishedAt ?? trackings[trackingCount - 1].windowEnd;

  // Tickets still in progress are recent; closed ones anywhere in the history.
  let lower = Math.max(clock.start, contact.createdAt);
  if (status !== 'closed') lower = Math.max(lower, clock.now - 7 * DAY - span);
  const latest = clock.now - 10 * MINUTE - span;
  const squeeze = latest >= lower ? 1 : Math.max(0, clock.now - 10 * MINUTE - lower) / span;
  const start = latest >= lower ? lower + seconds(rng.next() * (latest - lower)) : lower;
  const at = (t: number) => start + Math.floor(t * squeeze);
  const atOrNull = (t: number | null) => (t === null ? null : at(t));
  for (const t of trackings) {
    Object.assign(t, { createdAt: at(t.createdAt), queuedAt: atOrNull(t.queuedAt), startedAt: atOrNull(t.startedAt), finishedAt: atOrNull(t.finishedAt), windowEnd: at(t.windowEnd) });
    if (t.startedAt !== null) t.user = pickOperator(rng, company, t.queueId, t.startedAt);
  }

  const lastTracking = trackings[trackingCount - 1];
  const ticket: TicketPlan = {
    id: 0, company, key: hash32(company.id, j), local: j, contact,
    whatsappId: pickWhatsapp(rng, company, direction, start),
    status, direction, contract: pickContract(rng), tagIds: pickTags(rng, company),
    createdAt: start, updatedAt: lastTracking.finishedAt ?? lastTracking.windowEnd,
    closedAt: status === 'closed' ? lastTracking.finishedAt : null,
    trackings, messageCount, companyOrdinal: 0, lastMessage: null,
  };
  for (const t of trackings) t.ticket = ticket;
  return ticket;
}

/** Someone working at that moment, preferably assigned to the queue; else the demo operator. */
function pickOperator(rng: Random, company: CompanyPlan, queueId: number | null, at: number): UserPlan {
  const inQueue = queueId === null ? [] : company.usersByQueue.get(queueId) ?? [];
  const pool = inQueue.length > 0 && rng.chance(0.9) ? inQueue : company.operators;
  for (let attempt = 0; attempt < 8; attempt++) {
    const user = rng.pick(pool);
    if (isActive(user, at)) return user;
  }
  return company.users[2];
}

function pickWhatsapp(rng: Random, company: CompanyPlan, direction: string, at: number): number {
  // Outbound conversations start with a template, which only the official API sends.
  const pool = direction === 'outbound' ? company.officialWhatsapps : company.whatsapps;
  const w = rng.pick(pool);
  return isConnected(w, at) ? w.id : pool[0].id;
}

function pickContract(rng: Random): string | null {
  const r = rng.next();
  if (r < 0.25) return null;
  if (r < 0.3) return rng.pick(CONTRACTS_FORMULA_LIKE);
  if (r < 0.65) return `CT-${rng.digits(6)}`;
  if (r < 0.9) return `Contrato ${rng.int(2019, 2025)}/${rng.digits(4)}`;
  return `PJ-${rng.digits(3)}.${rng.digits(3)}; filial ${rng.int(1, 9)}`;
}

function pickTags(rng: Random, company: CompanyPlan): number[] {
  const count = rng.weighted([40, 35, 18, 7]);
  const ids = new Set<number>();
  for (let i = 0; i < count; i++) ids.add(rng.pick(company.tags).id);
  return [...ids].sort((a, b) => a - b);
}

/**
 * Gives tickets and trackings ids in order of creation across all companies, as a live platform
 * would, and numbers each company's messages in the order they will be written.
 */
export function assignTicketIds(tickets: TicketPlan[]): TrackingPlan[] {
  tickets.sort((a, b) => a.createdAt - b.createdAt || a.company.id - b.company.id || a.local - b.local);
  const ordinals = new Map<number, number>();
  tickets.forEach((t, i) => {
    t.id = i + 1;
    const next = ordinals.get(t.company.id) ?? 0;
    t.companyOrdinal = next;
    ordinals.set(t.company.id, next + t.messageCount);
  });
  const trackings = tickets.flatMap((t) => t.trackings);
  trackings.sort((a, b) => a.createdAt - b.createdAt || a.ticket.id - b.ticket.id);
  trackings.forEach((t, i) => (t.id = i + 1));
  return trackings;
}

export function* ticketLines(tickets: readonly TicketPlan[]): Generator<string> {
  for (const t of tickets) {
    const last = t.trackings[t.trackings.length - 1];
    yield `${t.id}\t${t.company.id}\t${t.contact.id}\t${t.whatsappId}\t${copyId(last.user?.id)}\t${copyId(last.queueId)}\t${t.status}\t${t.direction}\t${copyNullable(t.contract)}\t${copyNullable(t.lastMessage)}\t${copyTime(t.createdAt)}\t${copyTime(t.updatedAt)}\t${copyTime(t.closedAt)}\n`;
  }
}

export function* ticketTagLines(tickets: readonly TicketPlan[]): Generator<string> {
  for (const t of tickets) for (const tag of t.tagIds) yield `${t.id}\t${tag}\n`;
}

export function* trackingLines(trackings: readonly TrackingPlan[]): Generator<string> {
  for (const t of trackings) {
    yield `${t.id}\t${t.ticket.company.id}\t${t.ticket.id}\t${copyId(t.user?.id)}\t${copyId(t.queueId)}\t${t.ticket.whatsappId}\t${copyTime(t.createdAt)}\t${copyTime(t.queuedAt)}\t${copyTime(t.startedAt)}\t${copyTime(t.finishedAt)}\n`;
  }
}
