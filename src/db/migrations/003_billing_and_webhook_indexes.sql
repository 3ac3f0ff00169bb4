-- Indexes for the billing reports (licenses, numbers, login_logout) and webhook_events.
-- Platform tables may gain indexes, never lose or change columns (platform-schema.sql).

-- licenses: the company's users in id order (the keyset key).
create index if not exists users_company_id_id on users (company_id, id);
-- numbers: the company's whatsapps in id order.
create index if not exists whatsapps_company_id_id on whatsapps (company_id, id);
-- login_logout: a date range of the company's access logs, read in (created_at, id) order.
create index if not exists access_logs_company_created_id on access_logs (company_id, created_at, id);
-- webhook_events: a date range (max 31 days) of the company's events, read in (created_at, id) order.
create index if not exists webhook_events_company_created_id on webhook_events (company_id, created_at, id);
