-- A report's values reach its statement as transaction-local settings, never as text (src/reports/query.ts),
-- and current_setting() is only stable: the planner sees an unknown value and estimates a handful of rows.
-- For a month of service_history that meant nested loops and a sort where a merge join over the index order
-- does the job in half the time (docs/performance.md). This read is declared immutable so that the planner
-- folds it into a constant when it plans the statement, and so plans it with the real value.
--
-- That is a lie PostgreSQL would believe anywhere, so the rule is narrow: it is right only in a statement
-- planned once, in the transaction that set the value, and never kept — the exporter's COPY (simple
-- protocol, never prepared). Never use it in a view, an index, a function body or a prepared statement:
-- there, the value folded in at planning would outlive the setting.
create or replace function reports.planned_setting(name text, fallback text) returns text
  language sql immutable parallel safe
  return coalesce(nullif(current_setting(name, true), ''), fallback);

-- The same without a fallback: a setting the statement needs and nobody set is an error, as with current_setting.
create or replace function reports.planned_setting(name text) returns text
  language sql immutable parallel safe
  return current_setting(name);
