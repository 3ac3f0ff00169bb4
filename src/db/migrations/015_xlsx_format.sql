-- Workbooks (format xlsx) for every CSV report type.
alter table reports.reports drop constraint reports_format_check;
alter table reports.reports add constraint reports_format_check check (format in ('csv', 'xlsx', 'pdf'));

-- People's text for a workbook: exactly as stored (empty is absent, like null). An XLSX text cell is never
-- a formula, so the CSV's leading apostrophe (reports.fmt_text) would only corrupt the value there. The
-- workbook's rows come from the report's own query with reports.fmt_text swapped for this one.
create function reports.fmt_plain_text(v text) returns text
  language sql immutable parallel safe
  return nullif(v, '');
