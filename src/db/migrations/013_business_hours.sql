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

-- Business seconds of [a, b): the length of the intersection of [a, b) with the business intervals of every
-- local calendar day (zone `tz`) that is not a holiday. Interval i is (dows[i], starts[i], ends[i]) in minutes
-- since local 00:00. Each interval's ends become instants with `at time zone`, so a day with a clock change lasts
-- what the clock says (a 00:00–24:00 day is 23 h on the day clocks go forward). The days walked start 3 hours
-- before `a` in local time: where clocks go back across midnight, an instant after `a` can belong to the
-- previous local day. b < a (inconsistent platform data) gives the negative of [b, a), as calendar durations
-- do. Null in, null out.
-- PL/pgSQL on arrays, with no query inside: a report calls it three times per tracking, and a query per call
-- (reading the settings each time) cost seven times as much (docs/performance.md).
create function reports.business_seconds_in(
  a timestamptz, b timestamptz, tz text, dows smallint[], starts smallint[], ends smallint[], holidays date[]
) returns numeric
  language plpgsql stable strict parallel safe
as $$
declare
  lo timestamptz := least(a, b);
  hi timestamptz := greatest(a, b);
  d date := ((lo - interval '3 hours') at time zone tz)::date;
  last_d date := (hi at time zone tz)::date;
  n int := coalesce(array_length(dows, 1), 0);
  total numeric := 0;
  dow int;
  s timestamptz;
  e timestamptz;
begin
  if n = 0 or lo = hi then
    return 0;
  end if;
  while d <= last_d loop
    if not (d = any(holidays)) then
      dow := extract(isodow from d);
      for i in 1 .. n loop
        if dows[i] = dow then
          s := greatest(lo, (d + make_interval(mins => starts[i])) at time zone tz);
          e := least(hi, (d + make_interval(mins => ends[i])) at time zone tz);
          if e > s then
            total := total + extract(epoch from e - s);
          end if;
        end if;
      end loop;
    end if;
    d := d + 1;
  end loop;
  return case when b < a then -total else total end;
end $$;

-- A company's settings as business_seconds_in takes them (empty arrays when it has none).
create function reports.business_settings(company bigint)
  returns table (tz text, dows smallint[], starts smallint[], ends smallint[], holidays date[])
  language sql stable parallel safe
begin atomic
  select c.timezone,
         coalesce((select array_agg(i.isodow order by i.isodow, i.start_minute) from reports.business_hours_intervals i where i.company_id = c.id), '{}'),
         coalesce((select array_agg(i.start_minute order by i.isodow, i.start_minute) from reports.business_hours_intervals i where i.company_id = c.id), '{}'),
         coalesce((select array_agg(i.end_minute order by i.isodow, i.start_minute) from reports.business_hours_intervals i where i.company_id = c.id), '{}'),
         coalesce((select h.holidays from reports.business_hours h where h.company_id = c.id), '{}')
  from public.companies c
  where c.id = company;
end;

-- Business seconds of [a, b) for one company, by its own settings: the definition in one call (tests, psql).
-- Reports read the settings once (business_settings) and call business_seconds_in for each span.
create function reports.business_seconds(company bigint, a timestamptz, b timestamptz) returns numeric
  language sql stable strict parallel safe
begin atomic
  select reports.business_seconds_in(a, b, s.tz, s.dows, s.starts, s.ends, s.holidays) from reports.business_settings(company) s;
end;
