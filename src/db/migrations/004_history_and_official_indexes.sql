-- Indexes for Histórico de Atendimento and Mensagens Oficial (src/reports/service-history.ts, official-messages.ts).
-- Platform tables may gain indexes, never lose or change columns (platform-schema.sql).

-- service_history, per ticket: its messages in the range, already in the report's (created_at, id) order.
-- Without it each ticket scans all its messages (EXPLAIN: minutes instead of seconds for 1.5M rows).
-- 009_ticket_detail_indexes.sql needs the very same index: same name and definition on purpose, whichever
-- migration runs first creates it. (company_id, ticket_id, created_at, id) measured no faster, and a second
-- index of this size on messages is not worth its writes.
create index if not exists messages_ticket_created_id on messages (ticket_id, created_at, id);

-- service_history: the tickets that have a message in the range, read index-only from the range alone
-- (without it the whole company's history is scanned to find them).
create index if not exists messages_company_created_ticket on messages (company_id, created_at, ticket_id);

-- official_messages by period: a range of the company's messages read in (sent_at, id) order: no sort.
create index if not exists official_messages_company_sent_id on official_messages (company_id, sent_at, id);

-- official_messages of one campaign: the campaign's messages in (sent_at, id) order, whatever their dates.
create index if not exists official_messages_company_campaign_sent_id on official_messages (company_id, campaign_id, sent_at, id)
  where campaign_id is not null;
