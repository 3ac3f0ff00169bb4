-- What happens to a report after it is requested: live events, permissions per type, idempotent requests,
-- and the indexes retention needs (docs/lifecycle.md).

-- Every change of a report row gets a new number from one sequence. An SSE stream remembers the number it
-- last sent for each report and drops anything not newer, so a snapshot and the live events that raced it
-- never show an older state after a newer one.
create sequence reports.report_event_seq;
alter table reports.reports add column event_seq bigint not null default nextval('reports.report_event_seq');

create function reports.bump_event_seq() returns trigger language plpgsql as $$
begin
  new.event_seq := nextval('reports.report_event_seq');
  return new;
end $$;

create trigger reports_bump_event_seq before update on reports.reports
  for each row when (old.* is distinct from new.*) execute function reports.bump_event_seq();

-- Every insert, change and delete of a report is announced on channel `reports_events` at commit, whoever
-- made it (API, activities, retention, an operator with psql). Every API process listens, so an SSE client
-- hears about a report whichever process or worker changed it. The payload is small (the 8000-byte limit):
-- the listener reads the row itself.
create function reports.notify_report_change() returns trigger language plpgsql as $$
declare
  r reports.reports;
begin
  if tg_op = 'DELETE' then r := old; else r := new; end if;
  perform pg_notify('reports_events', json_build_object(
    'op', tg_op, 'id', r.id, 'companyId', r.company_id, 'type', r.type, 'status', r.status, 'seq', r.event_seq,
    'statusChanged', tg_op <> 'UPDATE' or old.status is distinct from new.status)::text);
  return null;
end $$;

create trigger reports_notify_insert_delete after insert or delete on reports.reports
  for each row execute function reports.notify_report_change();
create trigger reports_notify_update after update on reports.reports
  for each row when (old.* is distinct from new.*) execute function reports.notify_report_change();

-- Which profiles may use a report type, per company. No row: every profile (the default). Admin is always
-- allowed, whatever is stored.
create table reports.report_permissions (
  company_id bigint      not null,
  type       text        not null,
  profiles   text[]      not null check (profiles <@ array['admin', 'supervisor', 'user']),
  updated_by bigint      not null,
  updated_at timestamptz not null default now(),
  primary key (company_id, type)
);

create function reports.notify_permissions_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('reports_events', json_build_object(
    'op', 'PERMISSIONS', 'companyId', case when tg_op = 'DELETE' then old.company_id else new.company_id end)::text);
  return null;
end $$;

create trigger report_permissions_notify after insert or update or delete on reports.report_permissions
  for each row execute function reports.notify_permissions_change();

-- Idempotency-Key of POST /api/reports: the primary key makes two requests with the same key from the same
-- user become one report, even when they arrive together (the second waits for the first's commit).
-- A key older than 24 h is taken over by the next request that uses it. The report may be inserted after
-- the key in the same transaction, hence the deferred reference; deleting the report frees the key.
create table reports.idempotency_keys (
  user_id    bigint      not null,
  key        text        not null,
  report_id  uuid        not null references reports.reports (id) on delete cascade deferrable initially deferred,
  created_at timestamptz not null default now(),
  primary key (user_id, key)
);
create index idempotency_keys_report on reports.idempotency_keys (report_id);
create index idempotency_keys_created on reports.idempotency_keys (created_at);

-- Retention reads only what it acts on: links that expired, and each company's reports of a type by age.
create index reports_expiring on reports.reports (expires_at) where status = 'READY' and not expired;
create index reports_company_type_created on reports.reports (company_id, type, created_at desc, id desc);
