-- Indexes for Estatísticas de Atendimento and Resumo de Atendimentos (src/reports/service-*.ts).

-- The population: a company's trackings created in a date range.
create index if not exists ticket_trackings_company_created on public.ticket_trackings (company_id, created_at);

-- Per tracking: its first customer message (from_me false), the first operator reply at or after it
-- (from_me true, user_id set), and its messages in the range. Each is one range of this index, read
-- index-only thanks to the included columns (company_id is the tenant check of every query).
create index if not exists messages_tracking_from_me on public.messages (tracking_id, from_me, created_at)
  include (user_id, company_id);
