-- The module's own state. Everything here lives in schema `reports`; platform tables are only read.

create table reports.reports (
  id             uuid primary key,
  company_id     bigint      not null,
  type           text        not null,
  format         text        not null check (format in ('csv', 'pdf')),
  status         text        not null check (status in ('PROCESSING', 'READY', 'ERROR')),
  filters        jsonb       not null,
  requested_by   bigint      not null,
  workflow_id    text        not null unique,
  created_at     timestamptz not null default now(),
  finished_at    timestamptz,
  progress_rows  bigint      not null default 0,
  progress_total bigint,
  file_name      text,
  object_key     text,
  row_count      bigint,
  size_bytes     bigint,
  expires_at     timestamptz,
  expired        boolean     not null default false,
  error_message  text
);
create index reports_company_created on reports.reports (company_id, created_at desc, id);
create index reports_company_processing on reports.reports (company_id) where status = 'PROCESSING';

-- Cell formats of reports.md, done by PostgreSQL so that exports stream through COPY untouched.
-- All are small SQL functions the planner inlines.

-- Timestamps: DD/MM/YYYY HH:MM:SS in the company's zone.
create function reports.fmt_ts(ts timestamptz, tz text) returns text
  language sql stable parallel safe
  return to_char(ts at time zone tz, 'DD/MM/YYYY HH24:MI:SS');

create function reports.fmt_date(d date) returns text
  language sql immutable parallel safe
  return to_char(d, 'DD/MM/YYYY');

-- Durations: HH:MM:SS from seconds, rounded to the nearest second, hours not wrapped at 24 (49:10:05).
create function reports.fmt_hms(s bigint) returns text
  language sql immutable parallel safe
  return case when s is null then null else
    case when s / 3600 < 10 then '0' else '' end || (s / 3600)::text || ':' ||
    lpad(((s % 3600) / 60)::text, 2, '0') || ':' || lpad((s % 60)::text, 2, '0') end;

create function reports.fmt_duration(seconds numeric) returns text
  language sql immutable parallel safe
  return reports.fmt_hms(round(seconds)::bigint);

-- Money in BRL: decimal comma, 4 decimals.
create function reports.fmt_money(v numeric) returns text
  language sql immutable parallel safe
  return replace(to_char(v, 'FM999999999999990.0000'), '.', ',');

-- Percent: decimal comma, 2 decimals, no sign.
create function reports.fmt_percent(v numeric) returns text
  language sql immutable parallel safe
  return replace(to_char(round(v, 2), 'FM9999999990.00'), '.', ',');

create function reports.fmt_bool(v boolean) returns text
  language sql immutable parallel safe
  return case when v then 'Sim' when not v then 'Não' end;

-- Text written by people: a leading = + - @ TAB or CR would make a spreadsheet run it as a formula,
-- so it gets a leading apostrophe (OWASP CSV injection). Empty text is an empty field, like null.
create function reports.fmt_text(v text) returns text
  language sql immutable parallel safe
  return case when v = '' then null
              when left(v, 1) in ('=', '+', '-', '@', E'\t', E'\r') then '''' || v
              else v end;

-- The ticket status as people read it.
create function reports.fmt_ticket_status(v text) returns text
  language sql immutable parallel safe
  return case v when 'open' then 'Aberto' when 'pending' then 'Pendente'
                when 'paused' then 'Pausado' when 'closed' then 'Fechado' else v end;
