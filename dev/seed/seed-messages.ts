// Messages are the bulk of the seed (millions of rows), so they are never held in memory: each one
// is a pure function of (seed, ticket, position), written straight into COPY, and the same function
// tells a ticket its last message before any message is written.
import * as data from './seed-data';
import { copyText, NULL } from './seed-copy';
import { labelHash, Random } from './seed-random';
import type { TicketPlan, TrackingPlan } from './seed-tickets';

type Sender = 'contact' | 'operator' | 'system';
export type MessageDraft = { fromMe: boolean; userId: number | null; mediaType: string; body: string; createdAt: number };

const MESSAGE_STREAM = labelHash('messages');
const CONTACT_MEDIA = ['chat', 'image', 'audio', 'document', 'video', 'sticker', 'location'];
const CONTACT_MEDIA_WEIGHTS = [80, 6, 7, 3, 1.5, 1.5, 1];
const OPERATOR_MEDIA = ['chat', 'document', 'image', 'audio'];
const OPERATOR_MEDIA_WEIGHTS = [92, 4, 3, 1];

/** Fills `out` with message number `m` of `tracking`; reuses `rng` and `out` to spare the GC. */
export function describeMessage(rng: Random, seed: number, tracking: TrackingPlan, m: number, out: MessageDraft): MessageDraft {
  const ticket = tracking.ticket;
  const j = tracking.firstMessage + m;
  rng.reset(seed, MESSAGE_STREAM, ticket.key, j);

  // The first message opens the tracking; the others fall one per slot of its window, so times
  // strictly increase, and in whole seconds when the slots are wide enough.
  let t = tracking.createdAt;
  if (m > 0) {
    const slot = (tracking.windowEnd - tracking.createdAt) / tracking.messageCount;
    const offset = slot * (m + 0.1 + 0.9 * rng.next());
    t += slot >= 10_000 ? Math.floor(offset / 1000) * 1000 : Math.floor(offset);
  }

  // Operators only write after accepting the tracking.
  const operator = tracking.user !== null && tracking.startedAt !== null && t >= tracking.startedAt ? tracking.user : null;
  let sender: Sender;
  if (j === 0) sender = ticket.direction === 'inbound' ? 'contact' : 'system';
  else if (m === 0) sender = 'contact'; // a closed ticket reopens when the contact writes again
  else {
    const r = rng.next();
    sender = r < 0.47 ? 'contact' : r < 0.92 ? 'operator' : 'system';
    if (sender === 'operator' && operator === null) sender = rng.chance(0.75) ? 'contact' : 'system';
  }

  out.createdAt = t;
  out.fromMe = sender !== 'contact';
  out.userId = sender === 'operator' ? operator!.id : null;
  const ordinal = ticket.companyOrdinal + j;
  if (ordinal < data.TRICKY_TEXTS.length || rng.chance(0.004)) {
    out.mediaType = 'chat';
    out.body = ordinal < data.TRICKY_TEXTS.length ? data.TRICKY_TEXTS[ordinal] : rng.pick(data.TRICKY_TEXTS);
  } else if (sender === 'contact') {
    out.mediaType = CONTACT_MEDIA[rng.weighted(CONTACT_MEDIA_WEIGHTS)];
    out.body = out.mediaType === 'chat' ? rng.pick(data.CONTACT_TEXTS) : mediaBody(rng, out.mediaType, t);
  } else if (sender === 'operator') {
    out.mediaType = OPERATOR_MEDIA[rng.weighted(OPERATOR_MEDIA_WEIGHTS)];
    out.body = out.mediaType === 'chat' ? operatorText(rng, operator!.name, t) : mediaBody(rng, out.mediaType, t);
  } else if (j === 0) {
    out.mediaType = 'template';
    out.body = rng.pick(data.TEMPLATE_TEXTS);
  } else {
    out.mediaType = 'chat';
    out.body = rng.pick(data.SYSTEM_TEXTS);
  }
  return out;
}

function operatorText(rng: Random, operatorName: string, t: number): string {
  const text = rng.pick(data.OPERATOR_TEXTS);
  if (text.includes('{op}')) return text.replace('{op}', operatorName.split(' ')[0]);
  if (text.includes('{proto}')) return text.replace('{proto}', `${ymd(t)}${rng.digits(6)}`);
  return text;
}

/** For media the body is the caption or the file name, as WhatsApp names them. */
function mediaBody(rng: Random, mediaType: string, t: number): string {
  const seq = String(rng.int(1, 9999)).padStart(4, '0');
  switch (mediaType) {
    case 'image': return rng.chance(0.5) ? rng.pick(data.IMAGE_CAPTIONS) : `IMG-${ymd(t)}-WA${seq}.jpg`;
    case 'audio': return `PTT-${ymd(t)}-WA${seq}.opus`;
    case 'video': return `VID-${ymd(t)}-WA${seq}.mp4`;
    case 'sticker': return `STK-${ymd(t)}-WA${seq}.webp`;
    case 'location': return rng.pick(data.LOCATIONS);
    default: return rng.pick(data.DOCUMENT_NAMES);
  }
}

function ymd(t: number): string {
  const iso = new Date(t).toISOString();
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

function newDraft(): MessageDraft {
  return { fromMe: false, userId: null, mediaType: 'chat', body: '', createdAt: 0 };
}

/** tickets.last_message: the text of the ticket's newest message (its trackings are in time order). */
export function setLastMessages(seed: number, tickets: readonly TicketPlan[]): void {
  const rng = new Random(0);
  const draft = newDraft();
  for (const ticket of tickets) {
    ticket.lastMessage = null;
    for (let i = ticket.trackings.length - 1; i >= 0 && ticket.lastMessage === null; i--) {
      const tracking = ticket.trackings[i];
      if (tracking.messageCount > 0) ticket.lastMessage = describeMessage(rng, seed, tracking, tracking.messageCount - 1, draft).body;
    }
  }
}

/** COPY rows for `messages`, ids in ticket order. */
export function* messageLines(seed: number, tickets: readonly TicketPlan[]): Generator<string> {
  const rng = new Random(0);
  const d = newDraft();
  let id = 0;
  for (const ticket of tickets) {
    const head = `\t${ticket.company.id}\t${ticket.id}\t`;
    const contact = `\t${ticket.contact.id}\t`;
    for (const tracking of ticket.trackings) {
      for (let m = 0; m < tracking.messageCount; m++) {
        describeMessage(rng, seed, tracking, m, d);
        yield `${++id}${head}${tracking.id}${contact}${d.userId ?? NULL}\t${d.fromMe ? 't' : 'f'}\t${d.mediaType}\t${copyText(d.body)}\t${new Date(d.createdAt).toISOString()}\n`;
      }
    }
  }
}
