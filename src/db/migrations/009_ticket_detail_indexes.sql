-- Indexes for Detalhe do Ticket (src/pdf/load-ticket.ts): one ticket's messages in (created_at, id)
-- order and its trackings. Without them every PDF would scan the company's whole message table.
create index if not exists messages_ticket_created_id on public.messages (ticket_id, created_at, id);
create index if not exists ticket_trackings_ticket on public.ticket_trackings (ticket_id);
