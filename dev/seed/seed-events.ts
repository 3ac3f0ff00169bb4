// Rows that are not part of a conversation: official API messages with their cost, webhook
// deliveries and the login/logout trail. Ids follow time across companies, as on a live platform.
import { TEMPLATES, WEBHOOK_EVENT_TYPES } from './seed-data';
import { copyId, copyNullable, copyText, copyTime, NULL } from './seed-copy';
import { labelHash, Random } from './seed-random';
import { HOUR, isActive, isConnected, MINUTE, type CampaignPlan, type Clock, type CompanyPlan, type UserPlan } from './seed-tenants';

const DELIVERY = ['accepted', 'sent', 'delivered', 'read', 'failed'] as const;
const HTTP_STATUSES = [200, 201, 404, 500, null] as const;

/**
 * `count` instants over the history in ascending order, each with a company. The first rows go
 * round-robin to the companies with a rising `variant`, so every tenant gets every kind of row
 * even in a tiny seed; later rows pick a company by its share of messages.
 */
function* timeline(rng: Random, companies: readonly CompanyPlan[], count: number, clock: Clock) {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = clock.start + Math.floor((rng.next() * (clock.now - clock.start)) / 1000) * 1000;
  times.sort();
  const weights = companies.map((c) => c.messageCount + 1);
  for (let i = 0; i < count; i++) {
    const forced = i < companies.length * 10;
    const company = forced ? companies[i % companies.length] : companies[rng.weighted(weights)];
    yield { id: i + 1, t: times[i], company, variant: forced ? Math.floor(i / companies.length) : -1 };
  }
}

/** A campaign that already existed at `t`, or null; companies always have one from before the history. */
function campaignAt(rng: Random, campaigns: readonly CampaignPlan[], t: number): number | null {
  const c = rng.pick(campaigns);
  return c.createdAt <= t ? c.id : null;
}

export function* officialMessageLines(seed: number, companies: readonly CompanyPlan[], count: number, clock: Clock): Generator<string> {
  const rng = new Random(seed, labelHash('official_messages'));
  for (const { id, t, company, variant } of timeline(rng, companies, count, clock)) {
    const w = rng.pick(company.officialWhatsapps);
    const whatsappId = isConnected(w, t) ? w.id : company.officialWhatsapps[0].id;
    const contactNumber = rng.pick(company.contacts).number;
    const direction = variant >= 0 ? (variant === 7 ? 'received' : 'sent') : rng.chance(0.7) ? 'sent' : 'received';
    const type = direction === 'received' || (variant >= 0 ? variant >= 5 : rng.chance(0.45)) ? 'session' : 'hsm';
    const status = variant >= 0 ? DELIVERY[variant % 5] : direction === 'received' ? (rng.chance(0.5) ? 'delivered' : 'read') : DELIVERY[rng.weighted([3, 10, 40, 40, 7])];
    const template = type === 'hsm' ? rng.pick(TEMPLATES) : null;
    // Failed sends are not charged; utility templates are free when answered inside the window.
    const billable = template !== null && status !== 'failed' && (template.cost !== '0.0080' || rng.chance(0.7));
    const wamid = `wamid.HBgN${contactNumber}FQIAERgS${id.toString(16).toUpperCase().padStart(8, '0')}${rng.hex(12).toUpperCase()}`;
    const costCenterId = rng.chance(0.7) ? rng.pick(company.costCenters).id : null;
    const campaignId = type === 'hsm' && rng.chance(0.6) ? campaignAt(rng, company.campaigns, t) : null;
    const queueId = rng.chance(0.5) ? rng.pick(company.queues).id : null;
    yield `${id}\t${company.id}\t${wamid}\t${whatsappId}\t${contactNumber}\t${direction}\t${type}\t${copyNullable(template?.name)}\t${copyTime(t)}\t${status}\t${billable ? 't' : 'f'}\t${billable ? template!.cost : '0.0000'}\t${copyId(costCenterId)}\t${copyId(campaignId)}\t${copyId(queueId)}\n`;
  }
}

export function* webhookEventLines(seed: number, companies: readonly CompanyPlan[], count: number, clock: Clock): Generator<string> {
  const rng = new Random(seed, labelHash('webhook_events'));
  for (const { id, t, company, variant } of timeline(rng, companies, count, clock)) {
    const eventType = variant >= 0 ? WEBHOOK_EVENT_TYPES[variant % WEBHOOK_EVENT_TYPES.length] : rng.pick(WEBHOOK_EVENT_TYPES);
    const kind = eventType.slice(0, eventType.indexOf('.'));
    const campaignId = kind === 'campaign' ? campaignAt(rng, company.campaigns, t) ?? company.campaigns[0].id : kind === 'message' && rng.chance(0.2) ? campaignAt(rng, company.campaigns, t) : null;
    const contactNumber = kind === 'message' || kind === 'contact' || (kind === 'ticket' && rng.chance(0.5)) ? rng.pick(company.contacts).number : null;
    const httpStatus = variant >= 0 ? HTTP_STATUSES[variant % 5] : HTTP_STATUSES[rng.weighted([70, 8, 6, 10, 6])];
    const ok = httpStatus !== null && httpStatus < 300;
    // A failure is retried up to 5 times; a success may come after a few failed tries.
    const attempts = variant >= 0 ? 1 + (variant % 5) : ok ? (rng.chance(0.85) ? 1 : rng.int(2, 3)) : rng.int(1, 5);
    let lastAttemptAt = t;
    for (let a = 1; a < attempts; a++) lastAttemptAt += 30_000 * 2 ** a;
    const url = rng.chance(0.95) ? company.webhookUrl : `https://hooks.zapier.com/hooks/catch/${company.id}/${rng.hex(6)}/`;
    const requestId = `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${'89ab'[rng.int(0, 3)]}${rng.hex(3)}-${rng.hex(12)}`;
    yield `${id}\t${company.id}\t${eventType}\t${requestId}\t${copyId(campaignId)}\t${copyNullable(contactNumber)}\t${copyText(url)}\t${httpStatus ?? NULL}\t${attempts}\t${copyTime(t)}\t${copyTime(Math.min(lastAttemptAt, clock.now))}\n`;
  }
}

type AccessEvent = { t: number; company: CompanyPlan; user: UserPlan; action: 'login' | 'logout'; ip: string | null };

/** About `count` rows: sessions of a login and, usually, a logout from the same address. */
export function* accessLogLines(seed: number, companies: readonly CompanyPlan[], count: number, clock: Clock): Generator<string> {
  const rng = new Random(seed, labelHash('access_logs'));
  const events: AccessEvent[] = [];
  for (const { t, company, variant } of timeline(rng, companies, Math.ceil(count / 1.85), clock)) {
    // The demo accounts (admin, supervisor, user) all appear; then anyone working at that moment.
    let user = variant >= 0 && variant < 3 ? company.users[variant] : rng.pick(company.users);
    if (!isActive(user, t)) user = company.users[rng.int(0, 2)];
    const ip = variant >= 0 ? (variant % 2 ? ipv6(rng) : ipv4(rng)) : pickIp(rng);
    events.push({ t, company, user, action: 'login', ip });
    const logoutAt = Math.min(t + 5 * MINUTE + Math.floor(rng.exponential(4 * HOUR) / 1000) * 1000, clock.now - 1000, user.deletedAt ?? Infinity);
    // Some sessions just expire without a logout.
    if ((variant >= 0 || rng.chance(0.85)) && logoutAt > t) events.push({ t: logoutAt, company, user, action: 'logout', ip });
  }
  events.sort((a, b) => a.t - b.t || a.company.id - b.company.id || a.user.id - b.user.id || (a.action === 'login' ? -1 : 1));
  let id = 0;
  for (const e of events) {
    yield `${++id}\t${e.company.id}\t${e.user.id}\t${e.action}\t${e.ip ?? NULL}\t${copyTime(e.t)}\n`;
  }
}

function pickIp(rng: Random): string | null {
  const r = rng.next();
  return r < 0.6 ? ipv4(rng) : r < 0.95 ? ipv6(rng) : null;
}

function ipv4(rng: Random): string {
  // Mostly Brazilian ISP ranges; some office networks behind NAT.
  if (rng.chance(0.25)) return rng.chance(0.5) ? `10.0.${rng.int(0, 255)}.${rng.int(1, 254)}` : `192.168.${rng.int(0, 10)}.${rng.int(1, 254)}`;
  return `${rng.pick([177, 179, 186, 187, 189, 191, 200, 201])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function ipv6(rng: Random): string {
  return `2804:${rng.hex(3)}:${rng.hex(4)}:${rng.hex(4)}::${rng.int(1, 0xffff).toString(16)}`;
}
