-- Delivery of finished reports to the company's systems (signed webhooks) and people (e-mail): the endpoints
-- an admin registers and one row per message to send, with its attempts (docs/delivery.md).

create table reports.webhook_endpoints (
  id          uuid        primary key,
  company_id  bigint      not null,
  url         text        not null,
  description text,
  events      text[]      not null check (cardinality(events) > 0 and events <@ array['report.ready', 'report.failed']),
  -- `whsec_` + base64 of 32 random bytes: the receiver's verification key, shown once at creation.
  secret      text        not null,
  created_by  bigint      not null,
  created_at  timestamptz not null default now()
);
create index webhook_endpoints_company on reports.webhook_endpoints (company_id, created_at);

-- One message to one target. `id` is also the webhook-id header: the same on every retry of the message.
create table reports.deliveries (
  id           uuid        primary key,
  company_id   bigint      not null,
  report_id    uuid,
  schedule_id  uuid,
  endpoint_id  uuid        references reports.webhook_endpoints (id) on delete cascade,
  channel      text        not null check (channel in ('email', 'webhook')),
  -- The URL or e-mail address at the time of the message (an endpoint's URL never changes; a recipient may leave).
  target       text        not null,
  event        text        not null check (event in ('report.ready', 'report.failed', 'webhook.test')),
  -- Webhooks: the exact JSON body sent on every attempt (the signature covers it).
  body         text,
  status       text        not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
  attempts     int         not null default 0,
  last_error   text,
  created_at   timestamptz not null default now(),
  delivered_at timestamptz,
  check (channel <> 'webhook' or endpoint_id is not null)
);
-- A report is announced once per endpoint, however often the announcing step is retried.
create unique index deliveries_report_endpoint on reports.deliveries (report_id, endpoint_id) where endpoint_id is not null and report_id is not null;
create index deliveries_endpoint_created on reports.deliveries (endpoint_id, created_at desc) where endpoint_id is not null;
create index deliveries_report on reports.deliveries (report_id) where report_id is not null;

-- Every attempt of a delivery: when, and what the receiver answered (or why there was no answer).
create table reports.delivery_attempts (
  delivery_id uuid        not null references reports.deliveries (id) on delete cascade,
  attempt     int         not null,
  at          timestamptz not null default now(),
  http_status int,
  error       text,
  primary key (delivery_id, attempt)
);

-- Report schedules. The row is the truth; its Temporal Schedule (`report-schedule-<id>`) follows it. `sync_state`
-- says which change is on its way to Temporal: a request that dies between the two leaves a row that is not
-- `synced`, and reconciliation finishes it (creating: undone; updating: pushed again; deleting: finished).
create table reports.report_schedules (
  id                   uuid        primary key,
  company_id           bigint      not null,
  name                 text        not null,
  type                 text        not null,
  filters              jsonb       not null,
  format               text        not null,
  cadence              jsonb       not null,
  emails               text[]      not null default '{}',
  webhook_endpoint_ids uuid[]      not null default '{}',
  paused               boolean     not null default false,
  created_by           bigint      not null,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  sync_state           text        not null default 'creating' check (sync_state in ('creating', 'updating', 'deleting', 'synced')),
  sync_since           timestamptz not null default now(),
  -- The last run that could not make a report (filters no longer valid, type no longer allowed): why, and when.
  last_failure         text,
  last_failure_at      timestamptz
);
create index report_schedules_company on reports.report_schedules (company_id, created_at);
create index report_schedules_unsynced on reports.report_schedules (sync_since) where sync_state <> 'synced';

-- A report made by a schedule names it; the name is kept so the report still says it after the schedule is gone.
alter table reports.reports add column schedule_id uuid, add column schedule_name text;
create index reports_schedule on reports.reports (schedule_id, created_at desc) where schedule_id is not null;
create index deliveries_schedule_created on reports.deliveries (schedule_id, created_at desc) where schedule_id is not null;
-- One mail per report and recipient, however often the announcing step is retried.
create unique index deliveries_report_email on reports.deliveries (report_id, target) where channel = 'email';
