// The small per-company tables of the seed, planned in memory: companies, users, queues,
// WhatsApp numbers, contacts, tags, campaigns and cost centers. Everything else hangs off these.
import * as data from './seed-data';
import { copyNullable, copyText, copyTime } from './seed-copy';
import { apportion, labelHash, Random } from './seed-random';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Timestamps in whole seconds, as the platform stores them. */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** The history the seed covers: [start, now). */
export type Clock = { now: number; start: number };

export type Profile = 'admin' | 'supervisor' | 'user';
export type UserPlan = {
  id: number; name: string; email: string; profile: Profile;
  createdAt: number; deletedAt: number | null; queueIds: number[];
};
export type WhatsappPlan = {
  id: number; name: string; number: string; provider: 'official' | 'unofficial'; wabaId: string | null;
  status: string; activatedAt: number; deactivatedAt: number | null;
};
export type ContactPlan = { id: number; name: string; number: string; email: string | null; createdAt: number };
export type Named = { id: number; name: string };
export type CampaignPlan = Named & { createdAt: number };

export type CompanyPlan = {
  id: number; name: string; timezone: string; createdAt: number; webhookUrl: string;
  messageCount: number; ticketCount: number;
  users: UserPlan[]; operators: UserPlan[]; queues: Named[]; usersByQueue: Map<number, UserPlan[]>;
  whatsapps: WhatsappPlan[]; officialWhatsapps: WhatsappPlan[]; contacts: ContactPlan[];
  tags: Named[]; campaigns: CampaignPlan[]; costCenters: Named[];
};

/** A user counts as present at `t` between creation and deletion, as the licenses report reads it. */
export function isActive(user: { createdAt: number; deletedAt: number | null }, t: number): boolean {
  return user.createdAt <= t && (user.deletedAt === null || t < user.deletedAt);
}

export function isConnected(w: WhatsappPlan, t: number): boolean {
  return w.activatedAt <= t && (w.deactivatedAt === null || t < w.deactivatedAt);
}

/** Lowercase ASCII for e-mail local parts and domains: "Conceição D'Ávila" -> "conceicao.davila". */
export function slug(text: string, separator = '.'): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['"]/g, '')
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^\\${separator}+|\\${separator}+$`, 'g'), '');
}

type Ids = Record<'user' | 'queue' | 'whatsapp' | 'contact' | 'tag' | 'campaign' | 'costCenter', number>;

export function planTenants(seed: number, companies: number, messages: number, clock: Clock): CompanyPlan[] {
  const rng = new Random(seed, labelHash('tenants'));
  // Uneven on purpose: reports must not assume tenants of equal size.
  const shares = apportion(messages, Array.from({ length: companies }, () => 0.4 + rng.next() * 1.6));
  const ids: Ids = { user: 0, queue: 0, whatsapp: 0, contact: 0, tag: 0, campaign: 0, costCenter: 0 };
  return shares.map((messageCount, index) => planCompany(rng, index, messageCount, clock, ids));
}

function planCompany(rng: Random, index: number, messageCount: number, clock: Clock, ids: Ids): CompanyPlan {
  const round = Math.floor(index / data.COMPANY_NAMES.length);
  const name = data.COMPANY_NAMES[index % data.COMPANY_NAMES.length] + (round ? ` ${round + 1}` : '');
  const timezone = data.TIMEZONES[index % data.TIMEZONES.length];
  const domain = `${slug(name, '')}.com.br`;
  const createdAt = clock.start - (200 + rng.int(0, 500)) * DAY;
  const ticketCount = Math.max(12, Math.round(messageCount / 20));

  const queues = rotate(data.QUEUE_NAMES, index)
    .slice(0, 4 + (index % 3))
    .map((q) => ({ id: ++ids.queue, name: q }));
  const users = planUsers(rng, 6 + Math.min(74, Math.floor(messageCount / 25_000)), domain, createdAt, queues, clock, ids);
  const usersByQueue = new Map(queues.map((q) => [q.id, users.filter((u) => u.profile !== 'admin' && u.queueIds.includes(q.id))]));

  const areaCode = data.AREA_CODE_BY_TIMEZONE[timezone] ?? '11';
  const whatsapps = planWhatsapps(rng, index, 3 + (rng.chance(0.5) ? 1 : 0) + (messageCount > 50_000 ? 1 : 0), areaCode, clock, ids);
  const contacts = Array.from({ length: Math.max(10, Math.ceil(ticketCount * 0.6)) }, () => planContact(rng, clock, ids));

  return {
    id: index + 1, name, timezone, createdAt, messageCount, ticketCount,
    webhookUrl: `https://api.${domain}/webhooks/whatsapp`,
    users, operators: users.filter((u) => u.profile !== 'admin'), queues, usersByQueue,
    whatsapps, officialWhatsapps: whatsapps.filter((w) => w.provider === 'official'), contacts,
    tags: rotate(data.TAG_NAMES, index * 3).slice(0, 6 + (index % 4)).map((t) => ({ id: ++ids.tag, name: t })),
    campaigns: rotate(data.CAMPAIGN_NAMES, index).slice(0, 3 + (index % 3)).map((c, i) => ({
      id: ++ids.campaign, name: c,
      // The first campaign predates the history, so early official messages can belong to one.
      createdAt: i === 0 ? clock.start - 5 * DAY : clock.start + seconds(rng.next() * (clock.now - clock.start) * 0.8),
    })),
    costCenters: rotate(data.COST_CENTER_NAMES, index).slice(0, 2 + (index % 3)).map((c) => ({ id: ++ids.costCenter, name: c })),
  };
}

function planUsers(rng: Random, count: number, domain: string, companyCreatedAt: number, queues: Named[], clock: Clock, ids: Ids): UserPlan[] {
  const span = clock.now - clock.start;
  const seen = new Set<string>();
  return Array.from({ length: count }, (_, i) => {
    // The first three are the demo accounts, one per profile, present for the whole history.
    const profile: Profile = i < 3 ? (['admin', 'supervisor', 'user'] as const)[i] : (['admin', 'supervisor', 'user', 'user', 'user', 'user'] as const)[rng.int(0, 5)];
    const name = `${rng.pick(data.FIRST_NAMES)} ${rng.pick(data.LAST_NAMES)}`;
    let local = slug(name);
    for (let n = 2; seen.has(local); n++) local = `${slug(name)}${n}`;
    seen.add(local);
    const joinsLate = i >= 3 && rng.chance(0.3);
    const createdAt = i < 3 ? companyCreatedAt + HOUR : joinsLate ? clock.start + seconds(rng.next() * span * 0.5) : clock.start - rng.int(10, 400) * DAY;
    // User 3 always leaves, so every company has a deleted user; others leave now and then.
    const leaves = i === 3 || (i > 3 && rng.chance(0.15));
    const deletedAt = leaves ? Math.max(createdAt + MINUTE, Math.min(clock.now - MINUTE, Math.max(createdAt, clock.start) + seconds(rng.next() * span * 0.4) + DAY)) : null;
    const queueIds = profile === 'admin' && rng.chance(0.5) ? [] : rotate(queues, rng.int(0, queues.length - 1)).slice(0, rng.int(1, 3)).map((q) => q.id);
    return { id: ++ids.user, name, email: `${local}@${domain}`, profile, createdAt, deletedAt, queueIds };
  });
}

const EXTRA_STATUSES = ['DISCONNECTED', 'OPENING', 'QRCODE', 'TIMEOUT', 'BANNED', 'CONNECTED'];

function planWhatsapps(rng: Random, index: number, count: number, areaCode: string, clock: Clock, ids: Ids): WhatsappPlan[] {
  return Array.from({ length: count }, (_, i) => {
    const id = ++ids.whatsapp;
    // Number 0 is official and number 1 unofficial, both connected for the whole history.
    const provider = i === 0 || (i > 1 && rng.chance(0.5)) ? 'official' : 'unofficial';
    const status = i < 2 ? 'CONNECTED' : EXTRA_STATUSES[(index * 2 + i) % EXTRA_STATUSES.length];
    const activatedAt = i < 2 ? clock.start - rng.int(30, 300) * DAY : clock.start + seconds(rng.next() * (clock.now - clock.start) * 0.3);
    const gone = status === 'DISCONNECTED' || status === 'BANNED';
    return {
      id, name: data.WHATSAPP_NAMES[i % data.WHATSAPP_NAMES.length], number: `55${areaCode}3${String(4000_0000 + id * 7919).slice(-8)}`,
      provider, wabaId: provider === 'official' ? `10${String(hashDigits(id, 13))}` : null, status, activatedAt,
      deactivatedAt: gone ? activatedAt + seconds((clock.now - activatedAt) * (0.4 + rng.next() * 0.4)) : null,
    };
  });
}

function planContact(rng: Random, clock: Clock, ids: Ids): ContactPlan {
  const id = ++ids.contact;
  const odd = rng.chance(0.02);
  const name = odd ? rng.pick(data.ODD_CONTACT_NAMES) : rng.chance(0.15) ? rng.pick(data.FIRST_NAMES) : `${rng.pick(data.FIRST_NAMES)} ${rng.pick(data.LAST_NAMES)}`;
  const email = !odd && rng.chance(0.6) ? `${slug(name)}${rng.int(1, 99)}@${rng.pick(data.EMAIL_DOMAINS)}` : null;
  // Multiplying by a number coprime with 10^8 keeps numbers distinct and scattered.
  const number = `55${rng.pick(data.AREA_CODES)}9${String((id * 48_271 + 12_345_678) % 100_000_000).padStart(8, '0')}`;
  const createdAt = rng.chance(0.7) ? clock.start - rng.int(1, 700) * DAY - rng.int(0, DAY / 1000) * 1000 : clock.start + seconds(rng.next() * (clock.now - clock.start) * 0.8);
  return { id, name, number, email, createdAt };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function hashDigits(n: number, length: number): string {
  return new Random(n, labelHash('waba')).digits(length);
}

// COPY rows for the tables planned here, in the column order that seed.ts declares.

export function* companyLines(companies: readonly CompanyPlan[]): Generator<string> {
  for (const c of companies) yield `${c.id}\t${copyText(c.name)}\t${c.timezone}\t${copyTime(c.createdAt)}\n`;
}

export function* userLines(companies: readonly CompanyPlan[]): Generator<string> {
  for (const c of companies) {
    for (const u of c.users) {
      yield `${u.id}\t${c.id}\t${copyText(u.name)}\t${copyText(u.email)}\t${u.profile}\t${copyTime(u.createdAt)}\t${copyTime(u.deletedAt)}\n`;
    }
  }
}

export function* userQueueLines(companies: readonly CompanyPlan[]): Generator<string> {
  for (const c of companies) for (const u of c.users) for (const q of u.queueIds) yield `${u.id}\t${q}\n`;
}

export function* whatsappLines(companies: readonly CompanyPlan[]): Generator<string> {
  for (const c of companies) {
    for (const w of c.whatsapps) {
      yield `${w.id}\t${c.id}\t${copyText(w.name)}\t${w.number}\t${w.provider}\t${copyNullable(w.wabaId)}\t${w.status}\t${copyTime(w.activatedAt)}\t${copyTime(w.deactivatedAt)}\n`;
    }
  }
}

export function* contactLines(companies: readonly CompanyPlan[]): Generator<string> {
  for (const c of companies) {
    for (const p of c.contacts) {
      yield `${p.id}\t${c.id}\t${copyText(p.name)}\t${p.number}\t${copyNullable(p.email)}\t${copyTime(p.createdAt)}\n`;
    }
  }
}

/** queues, tags and cost_centers share the shape (id, company_id, name). */
export function* namedLines(companies: readonly CompanyPlan[], list: (c: CompanyPlan) => readonly Named[]): Generator<string> {
  for (const c of companies) for (const n of list(c)) yield `${n.id}\t${c.id}\t${copyText(n.name)}\n`;
}

export function* campaignLines(companies: readonly CompanyPlan[]): Generator<string> {
  for (const c of companies) for (const k of c.campaigns) yield `${k.id}\t${c.id}\t${copyText(k.name)}\t${copyTime(k.createdAt)}\n`;
}
