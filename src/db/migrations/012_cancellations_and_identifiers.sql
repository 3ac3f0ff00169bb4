-- A processing report deleted by its company disappears at once, but its export may still be stopping
-- (a COPY being cancelled, a part being stored). Until its workflow has cleaned up, it keeps holding one of
-- the company's MAX_PROCESSING_PER_COMPANY slots: a DELETE cannot be used to run more exports than allowed.
create table reports.cancellations (
  report_id    uuid        primary key,
  company_id   bigint      not null,
  requested_at timestamptz not null default now()
);
create index cancellations_company on reports.cancellations (company_id, requested_at);

-- Machine text that the schema does not constrain (wamid, request ids, phone numbers, event types): kept as
-- it is when it is a plain identifier (a letter or digit, then letters, digits and . _ : -), otherwise it
-- gets the formula-injection rule of people's text — a hostile integration can write `=cmd|…` there too.
create function reports.fmt_ident(v text) returns text
  language sql immutable parallel safe
  return case when v ~ '^[A-Za-z0-9][A-Za-z0-9._:-]*$' then v else reports.fmt_text(v) end;
