-- Business hours and the first-response target, per company (docs/metrics.md, "Horário de atendimento").
-- Edited through GET/PUT /api/business-hours (src/api/business-hours-routes.ts); read by service_statistics.

-- Holidays and the target. No row: no holidays, no target.
create table reports.business_hours (
  company_id                     bigint      primary key,
  holidays                       date[]      not null default '{}',
  first_response_target_seconds  integer     check (first_response_target_seconds > 0),
  updated_by                     bigint      not null,
  updated_at                     timestamptz not null default now()
);

-- The week: for each ISO weekday (1 = Monday … 7 = Sunday), intervals of local wall-clock time in minutes
-- since 00:00 (1440 = 24:00). One row per interval, so the business-time function reads them by index.
create table reports.business_hours_intervals (
  company_id    bigint   not null,
  isodow        smallint not null check (isodow between 1 and 7),
  start_minute  smallint not null check (start_minute >= 0 and start_minute < 1440),
  end_minute    smallint not null check (end_minute > start_minute and end_minute <= 1440),
  primary key (company_id, isodow, start_minute)
);

-- Business seconds of [a, b) for one company: the length of the intersection of [a, b) with the business
-- intervals of every local calendar day (company zone) that is not a holiday. Each interval's ends become
-- instants with `at time zone`, so a day with a clock change lasts what the clock says (a 00:00–24:00 day is
-- 23 h on the day clocks go forward). The days walked start 3 hours before `a` in local time: where clocks
-- go back across midnight, an instant after `a` can belong to the previous local day.
-- b < a (inconsistent platform data) gives the negative of [b, a), as calendar durations do. Null in, null out.
create function reports.business_seconds(company bigint, a timestamptz, b timestamptz) returns numeric
  language sql stable strict parallel safe
begin atomic
  select sign(extract(epoch from b - a)) * coalesce(sum(greatest(0, extract(epoch from
           least(greatest(a, b), (d.day + make_interval(mins => i.end_minute)) at time zone c.timezone)
           - greatest(least(a, b), (d.day + make_interval(mins => i.start_minute)) at time zone c.timezone)))), 0)
  from public.companies c
  cross join lateral generate_series(
    ((least(a, b) - interval '3 hours') at time zone c.timezone)::date::timestamp,
    (greatest(a, b) at time zone c.timezone)::date::timestamp,
    interval '1 day') as d(day)
  join reports.business_hours_intervals i on i.company_id = c.id and i.isodow = extract(isodow from d.day)
  where c.id = company
    and not exists (select from reports.business_hours h where h.company_id = c.id and d.day::date = any(h.holidays));
end;
