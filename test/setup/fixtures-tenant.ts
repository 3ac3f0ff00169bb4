// A company with a row in every platform table that some report reads, every text carrying `marker`, so a
// file that shows another company's row shows its marker (names, bodies, WABA, e-mails in lower case).
import type { ExampleTenant } from '../../src/reports/definition';
import type { Sql } from '../../src/db/connection';
import {
  createAccessLog, createCampaign, createCompany, createContact, createCostCenter, createMessage, createOfficialMessage, createQueue, createTag,
  createTicket, createTracking, createWebhookEvent, createWhatsapp, type CompanyFixture,
} from './rows';

export interface MarkedTenant {
  company: CompanyFixture;
  marker: string;
  queue: number;
  tag: number;
  contact: number;
  whatsapp: number;
  campaign: number;
  costCenter: number;
  ticket: number;
  tracking: number;
}

/** Everything on 2026-10-10 (in range of `{ from: '2026-10-01', to: '2026-10-31' }`), users since 2026-01-01. */
export async function createMarkedTenant(sql: Sql, marker: string, phone: string): Promise<MarkedTenant> {
  const company = await createCompany(sql, `Empresa ${marker}`);
  const queue = await createQueue(sql, company.id, `Fila ${marker}`);
  await sql`insert into user_queues (user_id, queue_id) values (${company.user}, ${queue})`;
  const tag = await createTag(sql, company.id, `Tag ${marker}`);
  const contact = await createContact(sql, company.id, `Contato ${marker}`, phone, `contato.${marker.toLowerCase()}@exemplo.com.br`);
  const whatsapp = await createWhatsapp(sql, company.id, { number: phone, wabaId: `waba-${marker}`, activatedAt: '2026-01-01T00:00:00Z' });
  const campaign = await createCampaign(sql, company.id, `Campanha ${marker}`);
  const costCenter = await createCostCenter(sql, company.id, `Centro ${marker}`);
  const ticket = await createTicket(sql, company.id, {
    contactId: contact, whatsappId: whatsapp, createdAt: '2026-10-10T12:00:00Z', queueId: queue, userId: company.user,
    status: 'open', contract: `Contrato ${marker}`, lastMessage: `Última ${marker}`, tagIds: [tag],
  });
  const tracking = await createTracking(sql, company.id, {
    ticketId: ticket, whatsappId: whatsapp, createdAt: '2026-10-10T12:00:00Z', queueId: queue, userId: company.user,
    queuedAt: '2026-10-10T12:00:00Z', startedAt: '2026-10-10T12:01:00Z', finishedAt: '2026-10-10T12:30:00Z',
  });
  await createMessage(sql, company.id, { ticketId: ticket, trackingId: tracking, contactId: contact, createdAt: '2026-10-10T12:00:30Z', body: `Olá, aqui é ${marker}` });
  await createMessage(sql, company.id, {
    ticketId: ticket, trackingId: tracking, contactId: contact, createdAt: '2026-10-10T12:02:00Z', body: `Resposta ${marker}`,
    from: { operator: company.user },
  });
  await createOfficialMessage(sql, company.id, {
    wamid: `wamid.${marker}`, whatsappId: whatsapp, contactNumber: phone, sentAt: '2026-10-10T12:00:00Z', messageType: 'hsm',
    templateName: `modelo_${marker}`, billable: true, cost: '0.0625', costCenterId: costCenter, campaignId: campaign, queueId: queue,
  });
  await createWebhookEvent(sql, company.id, {
    eventType: `evento.${marker}`, requestId: `req-${marker}`, contactNumber: phone, createdAt: '2026-10-10T12:00:00Z', httpStatus: 200, campaignId: campaign,
  });
  await createAccessLog(sql, company.id, { userId: company.admin, action: 'login', ip: '10.0.0.1', createdAt: '2026-10-10T12:00:00Z' });
  return { company, marker, queue, tag, contact, whatsapp, campaign, costCenter, ticket, tracking };
}

/**
 * Rows of `intruder` that point at `victim`'s ticket and tracking (data a bug or a hostile import could
 * write): a report joining through the victim's ids must still not pick them up.
 */
export async function crossWire(sql: Sql, intruder: MarkedTenant, victim: MarkedTenant): Promise<void> {
  const { company } = intruder;
  await sql`
    insert into messages (company_id, ticket_id, tracking_id, contact_id, user_id, from_me, body, created_at)
    values (${company.id}, ${victim.ticket}, ${victim.tracking}, ${intruder.contact}, ${company.user}, true,
            ${`Intrusa ${intruder.marker} no ticket alheio`}, '2026-10-10T12:05:00Z')`;
  await sql`
    insert into ticket_trackings (company_id, ticket_id, user_id, queue_id, whatsapp_id, created_at, queued_at, started_at, finished_at)
    values (${company.id}, ${victim.ticket}, ${company.user}, ${intruder.queue}, ${intruder.whatsapp}, '2026-10-10T13:00:00Z',
            '2026-10-10T13:00:00Z', '2026-10-10T13:01:00Z', '2026-10-10T13:02:00Z')`;
  await sql`insert into ticket_tags (ticket_id, tag_id) values (${victim.ticket}, ${intruder.tag})`;
  await sql`insert into user_queues (user_id, queue_id) values (${company.user}, ${victim.queue})`;
}

/** The marked tenant as report definitions see it (`example(t)`): its period and one id of each kind. */
export function exampleTenant(t: MarkedTenant): ExampleTenant {
  return { from: '2026-10-01', to: '2026-10-31', queue: t.queue, user: t.company.admin, campaign: t.campaign, costCenter: t.costCenter, ticket: t.ticket };
}
