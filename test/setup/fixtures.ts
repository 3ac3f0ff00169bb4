// Builders for known data: each test arranges exactly the rows it asserts on.
import type { Sql } from '../../src/db/connection';

export interface CompanyFixture {
  id: number;
  timezone: string;
  admin: number;
  supervisor: number;
  user: number;
  whatsapp: number;
}

export async function createCompany(sql: Sql, name: string, timezone = 'America/Sao_Paulo'): Promise<CompanyFixture> {
  const [{ id }] = await sql<{ id: number }[]>`insert into companies (name, timezone) values (${name}, ${timezone}) returning id`;
  const admin = await createUser(sql, id, `Admin ${name}`, 'admin');
  const supervisor = await createUser(sql, id, `Supervisora ${name}`, 'supervisor');
  const user = await createUser(sql, id, `Operador ${name}`, 'user');
  const [w] = await sql<{ id: number }[]>`
    insert into whatsapps (company_id, name, number, provider, waba_id, status, activated_at)
    values (${id}, ${'Principal ' + name}, '5511900000000', 'official', 'waba-1', 'CONNECTED', '2026-01-01T00:00:00Z') returning id`;
  return { id, timezone, admin, supervisor, user, whatsapp: w.id };
}

export async function createUser(
  sql: Sql, companyId: number, name: string, profile: 'admin' | 'supervisor' | 'user', deletedAt: string | null = null,
): Promise<number> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@exemplo.com.br`;
  const [{ id }] = await sql<{ id: number }[]>`
    insert into users (company_id, name, email, profile, created_at, deleted_at)
    values (${companyId}, ${name}, ${email}, ${profile}, '2026-01-01T00:00:00Z', ${deletedAt}) returning id`;
  return id;
}

export async function createQueue(sql: Sql, companyId: number, name: string): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`insert into queues (company_id, name) values (${companyId}, ${name}) returning id`;
  return id;
}

export async function createTag(sql: Sql, companyId: number, name: string): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`insert into tags (company_id, name) values (${companyId}, ${name}) returning id`;
  return id;
}

export async function createContact(sql: Sql, companyId: number, name: string, number: string, email: string | null = null): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into contacts (company_id, name, number, email) values (${companyId}, ${name}, ${number}, ${email}) returning id`;
  return id;
}

export interface TicketInput {
  contactId: number;
  whatsappId: number;
  createdAt: string;
  status?: 'open' | 'pending' | 'paused' | 'closed';
  direction?: 'inbound' | 'outbound';
  queueId?: number | null;
  userId?: number | null;
  contract?: string | null;
  lastMessage?: string | null;
  tagIds?: number[];
}

export async function createTicket(sql: Sql, companyId: number, t: TicketInput): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into tickets (company_id, contact_id, whatsapp_id, user_id, queue_id, status, direction, contract, last_message, created_at, updated_at)
    values (${companyId}, ${t.contactId}, ${t.whatsappId}, ${t.userId ?? null}, ${t.queueId ?? null}, ${t.status ?? 'open'},
            ${t.direction ?? 'inbound'}, ${t.contract ?? null}, ${t.lastMessage ?? null}, ${t.createdAt}, ${t.createdAt})
    returning id`;
  for (const tagId of t.tagIds ?? []) await sql`insert into ticket_tags (ticket_id, tag_id) values (${id}, ${tagId})`;
  return id;
}
