/**
 * How a report asks PostgreSQL for its rows.
 *
 * Exports run as `COPY (<query>) TO STDOUT`, which cannot take bind parameters. So values never enter
 * the SQL text: each one is set with `set_config($1, $2, true)` (a bound, transaction-local setting)
 * and the query reads it back through an uncorrelated sub-select, which PostgreSQL evaluates once
 * (an InitPlan) and can use as an index bound.
 *
 * Tenant isolation lives here too: every query runs under a WITH prelude that shadows each platform
 * table with the caller's company's rows (`tickets` means "this company's tickets"), so a report
 * cannot read another company's row even if its author forgets a predicate. And it fails closed: the
 * statements run with an empty search_path (scopeTransaction), so a platform table the prelude does not
 * shadow does not resolve at all — a query naming it fails instead of reading every company's rows.
 */
import type postgres from 'postgres';

export type SqlType = 'bigint' | 'bigint[]' | 'text' | 'text[]' | 'boolean' | 'date' | 'timestamptz' | 'numeric';

export interface KeyColumn {
  /** Expression over the report's FROM, e.g. `m.ticket_id`. Never people's text. */
  expr: string;
  type: 'bigint' | 'timestamptz';
}

/** Rows read in key order, resumable after any row: the large reports. */
export interface KeysetQuery {
  kind: 'keyset';
  select: string[];
  from: string;
  where: string[];
  key: KeyColumn[];
  /**
   * How the rows split into ranges of the first key column (a bigint), exported by parallel COPYs and
   * joined in order (activities/export-ranges.ts): a cheap statement giving one row per value `k` of that
   * column with `n`, the rows it yields (at most). The report's `from` should narrow its own scan with
   * `q.inRange(…)`; the exporter also bounds the first key column itself, so a range is always exact.
   */
  split?: string;
}

/** The whole span of a bigint key: an export's single range, unless the exporter narrows it. */
export const FULL_RANGE = { low: '-9223372036854775808', high: '9223372036854775807' } as const;
const RANGE_LOW = 'reports.range_lo';
const RANGE_HIGH = 'reports.range_hi';
const NO_PARALLEL: [string, string] = ['max_parallel_workers_per_gather', '0'];

/** One statement whose result is small (aggregates): read whole, in its own ORDER BY. */
export interface WholeQuery {
  kind: 'whole';
  /** Extra CTEs after the tenant prelude, in order. */
  ctes?: [name: string, body: string][];
  sql: string;
}

export type ReportQuery = KeysetQuery | WholeQuery;

/** Platform tables with a company_id of their own (companies: its id), shadowed one for one. */
const PLATFORM_TABLES = [
  'companies', 'users', 'queues', 'whatsapps', 'contacts', 'tags', 'tickets', 'ticket_trackings',
  'messages', 'campaigns', 'cost_centers', 'official_messages', 'webhook_events', 'access_logs',
] as const;

/** The request a report serves, as its query sees it: the company, its zone, when it was asked for. */
export interface QueryContext {
  companyId: number;
  /** The company's IANA zone: dates in filters and cells are in it. */
  timezone: string;
  /** When the report was requested (resolves `month: "current"`). */
  requestedAt: Date;
}

export class QueryParams {
  readonly settings: [name: string, value: string][] = [];

  constructor(readonly context: QueryContext) {
    this.settings.push(['reports.company_id', String(context.companyId)], ['reports.tz', context.timezone]);
  }

  /** The caller's company id, as SQL. */
  get companyId(): string {
    return `(select current_setting('reports.company_id')::bigint)`;
  }

  /** The company's IANA time zone, as SQL. */
  get timezone(): string {
    return `(select current_setting('reports.tz'))`;
  }

  /** A value for the query, as SQL of the given type. */
  value(v: string | number | boolean | readonly (string | number)[], type: SqlType): string {
    const read = `(select current_setting('${this.bind(v)}')::${type})`;
    // The outer cast keeps `x = any(<array>)` from being read as `x = any(<subquery>)`.
    return type.endsWith('[]') ? `${read}::${type}` : read;
  }

  /** `<expr> = any(<values>)` as a one-item list of conditions, or none for an empty list ("no filter"). */
  anyOf(expr: string, values: readonly (string | number)[], type: 'bigint[]' | 'text[]'): string[] {
    return values.length ? [`${expr} = any(${this.value(values, type)})`] : [];
  }

  /**
   * 00:00 of a calendar day (YYYY-MM-DD) in the company's zone, as a timestamptz. `planned`: read when the
   * statement is planned (reports.planned_setting, migration 017), so the planner estimates its rows with
   * the real day — only in a range's COPY statement, never in one that may be prepared (see assertNotPlanned).
   */
  dayStart(day: string, how: 'bound' | 'planned' = 'bound'): string {
    return this.once(`(${this.read(this.bind(day), how)}::date)::timestamp at time zone ${this.read('reports.tz', how)}`, how);
  }

  /** 00:00 of the day after `day` in the company's zone: the exclusive end of an inclusive range. */
  dayEnd(day: string, how: 'bound' | 'planned' = 'bound'): string {
    return this.once(`(${this.read(this.bind(day), how)}::date + 1)::timestamp at time zone ${this.read('reports.tz', how)}`, how);
  }

  /** A timestamp formatted as the reports show it, in the company's zone. */
  ts(expr: string): string {
    return `reports.fmt_ts(${expr}, ${this.timezone})`;
  }

  /**
   * `<expr>` within the export's current range of the first key (exclusive low, inclusive high): the whole
   * span as built, narrowed per range by `forRange` (KeysetQuery.split).
   */
  inRange(expr: string): string {
    return `${expr} > ${rangeBound(RANGE_LOW)} and ${expr} <= ${rangeBound(RANGE_HIGH)}`;
  }

  /**
   * The settings of one range: the query's own, with the range's bounds (`low` exclusive, `high` inclusive).
   * A range's COPY runs beside the export's other ranges, which use the cores already: it gets no parallel
   * workers of its own (with them the planner traded the range's index order for a parallel scan of the
   * whole table and a sort, every range).
   */
  forRange(low: string, high: string): QueryParams {
    const ranged = new QueryParams(this.context);
    ranged.settings.length = 0;
    const own = this.settings.filter(([name]) => name !== RANGE_LOW && name !== RANGE_HIGH && name !== NO_PARALLEL[0]);
    ranged.settings.push(...own, [RANGE_LOW, low], [RANGE_HIGH, high], NO_PARALLEL);
    return ranged;
  }

  /** A setting's value, as text: read as the statement runs, or folded in when it is planned. */
  private read(name: string, how: 'bound' | 'planned'): string {
    return how === 'planned' ? `reports.planned_setting('${name}')` : `current_setting('${name}')`;
  }

  /**
   * A bound expression is computed once per statement (an InitPlan, `(select …)`); a planned one is left
   * bare, so that the planner folds it into a constant (a sub-select would hide the value from it again).
   */
  private once(expr: string, how: 'bound' | 'planned'): string {
    return how === 'planned' ? `(${expr})` : `(select ${expr})`;
  }

  /** Keeps a value as a bound, transaction-local setting; returns the setting's name. */
  private bind(v: string | number | boolean | readonly (string | number)[]): string {
    const name = `reports.p${this.settings.length}`;
    this.settings.push([name, Array.isArray(v) ? toArrayLiteral(v) : String(v)]);
    return name;
  }
}

function rangeBound(name: string): string {
  // Planned (migration 017): a range's rows are estimated with its real bounds. Unset, the full span (a
  // custom setting once set on a connection reads '' in its later transactions, hence the fallback).
  return `reports.planned_setting('${name}', '${name === RANGE_LOW ? FULL_RANGE.low : FULL_RANGE.high}')::bigint`;
}

/**
 * A statement that postgres.js may prepare (any but a COPY) must not fold settings in when planned: a
 * prepared statement's plan, and the value in it, would serve the next report with the same text.
 */
export function assertNotPlanned(statement: string): string {
  if (statement.includes('reports.planned_setting(')) {
    throw new Error('a statement with planned settings runs only as a COPY (never prepared): see migration 017');
  }
  return statement;
}

function toArrayLiteral(values: readonly (string | number)[]): string {
  const items = values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `{${items.join(',')}}`;
}

/** Link tables without a company_id: scoped through the row they belong to. */
const LINK_TABLES = {
  user_queues: 'select uq.* from public.user_queues uq join public.users u on u.id = uq.user_id where u.company_id = $company',
  ticket_tags: 'select tt.* from public.ticket_tags tt join public.tickets t on t.id = tt.ticket_id where t.company_id = $company',
} as const;

/** Every platform table a report may name (a test checks this against the platform migration). */
export const SCOPED_TABLES: readonly string[] = [...PLATFORM_TABLES, ...Object.keys(LINK_TABLES)];

/** Shadows every platform table with the company's own rows. */
export function tenantPrelude(q: QueryParams): string {
  const scoped = PLATFORM_TABLES.map((t) => {
    const column = t === 'companies' ? 'id' : 'company_id';
    return `${t} as not materialized (select * from public.${t} where ${column} = ${q.companyId})`;
  });
  for (const [t, body] of Object.entries(LINK_TABLES)) {
    scoped.push(`${t} as not materialized (${body.replace('$company', q.companyId)})`);
  }
  return `with ${scoped.join(',\n')}`;
}

/**
 * The one place a report statement's transaction is prepared: an empty search_path, so that only the
 * prelude's names (and schema-qualified ones) resolve, then the query's bound settings — in one round trip.
 */
export async function scopeTransaction(tx: postgres.TransactionSql<Record<string, never>>, q: QueryParams): Promise<void> {
  const names = ['search_path', ...q.settings.map(([name]) => name)];
  const values = ['', ...q.settings.map(([, value]) => value)];
  await tx`select count(set_config(s.name, s.value, true)) from unnest(${names}::text[], ${values}::text[]) as s(name, value)`;
}

/** A report definition's mistake: it will fail on every attempt. */
export class UnscopedQueryError extends Error {
  readonly code = 'UNSCOPED_QUERY';
}

/**
 * A report's own SQL names tables as the prelude shadows them. A schema-qualified platform name would
 * step around the prelude (the empty search_path stops only unqualified ones), so it is refused here.
 */
function assertScoped(query: ReportQuery): void {
  const text = query.kind === 'whole'
    ? [query.sql, ...(query.ctes ?? []).map(([, body]) => body)].join('\n')
    : [...query.select, query.from, ...query.where].join('\n');
  if (/\bpublic\s*\.|\bpg_temp\s*\./i.test(text)) {
    throw new UnscopedQueryError('a report query may not name a schema-qualified platform table: the tenant prelude shadows them');
  }
}

/** The statement to COPY: one page of a keyset query after `cursor`, or the whole query. */
export function buildCopySql(query: ReportQuery, q: QueryParams, cursor: string[] | null): string {
  assertScoped(query);
  if (query.kind === 'whole') {
    const ctes = (query.ctes ?? []).map(([name, body]) => `,\n${name} as (${body})`).join('');
    return `${tenantPrelude(q)}${ctes}\n${query.sql}`;
  }
  const where = [...query.where];
  if (cursor) {
    const bounds = query.key.map((k, i) => q.value(cursor[i], k.type));
    where.push(`(${query.key.map((k) => k.expr).join(', ')}) > (${bounds.join(', ')})`);
  }
  const keyText = `concat_ws('|', ${query.key.map((k) => k.expr).join(', ')})`;
  return keysetStatement(query, q, [...query.select, keyText], where);
}

/**
 * The statement of one range of a split keyset query (see KeysetQuery.split): the report's rows whose first
 * key lies in the range of `q.forRange(…)`, in key order, without the cursor column (a range is resumed
 * whole, never from within).
 */
export function buildRangeCopySql(query: KeysetQuery, q: QueryParams): string {
  assertScoped(query);
  const first = query.key[0];
  if (!query.split || first?.type !== 'bigint') throw new Error('a split keyset query needs a bigint first key');
  return keysetStatement(query, q, query.select, [...query.where, q.inRange(first.expr)]);
}

/** A keyset query's statement: these columns of its rows that meet these conditions, in key order. */
function keysetStatement(query: KeysetQuery, q: QueryParams, select: string[], where: string[]): string {
  return `${tenantPrelude(q)}
select ${select.join(',\n  ')}
from ${query.from}
${where.length ? `where ${where.join('\n  and ')}` : ''}
order by ${query.key.map((k) => k.expr).join(', ')}`;
}

/**
 * How a split keyset query's rows fall into ranges: the total of the split's counts, and the upper bounds
 * of every range but the last (open above), in key order. A range holds about total / `spread` rows, within
 * [minRows, maxRows]; it ends after the key whose rows reach a multiple of that, so a key's rows never
 * straddle two ranges.
 */
export function buildRangePlanSql(query: KeysetQuery, q: QueryParams, size: { minRows: number; maxRows: number; spread: number }): string {
  if (!query.split) throw new Error('buildRangePlanSql needs a split keyset query');
  for (const [name, n] of Object.entries(size)) if (!Number.isSafeInteger(n) || n < 1) throw new Error(`bad range ${name}: ${n}`);
  assertScoped({ ...query, where: [...query.where, query.split] });
  // The sizes are the exporter's own integers, never a request's values.
  return assertNotPlanned(`${tenantPrelude(q)},
split as (${query.split}),
upto as (select k, n, (sum(n) over (order by k))::bigint as upto from split),
total as (select coalesce(max(upto), 0)::bigint as total from upto),
size as (select greatest(${size.minRows}, least(${size.maxRows}, ceil(total::numeric / ${size.spread})))::bigint as rows from total)
select (select total from total) as total,
  array(select upto.k::text from upto, size, total
        where div(upto.upto, size.rows) > div(upto.upto - upto.n, size.rows) and upto.upto < total.total
        order by upto.k) as bounds`);
}

/**
 * The same statement with people's text exactly as stored (reports.fmt_plain_text, 015_xlsx_format.sql):
 * for a workbook, whose text cells are never formulas, so the CSV's anti-formula apostrophe would only
 * corrupt them. Safe as a text swap because values never enter the SQL text (see QueryParams).
 */
export function withPlainText(copySql: string): string {
  // Both of the CSV's text rules: people's text (fmt_text) and free machine text (fmt_ident).
  return copySql.replaceAll('reports.fmt_text(', 'reports.fmt_plain_text(').replaceAll('reports.fmt_ident(', 'reports.fmt_plain_text(');
}

/** How many rows a keyset query will give: the total shown in progress. */
export function buildCountSql(query: KeysetQuery, q: QueryParams): string {
  assertScoped(query);
  return assertNotPlanned(`${tenantPrelude(q)}
select count(*)::bigint as n from ${query.from}
${query.where.length ? `where ${query.where.join('\n  and ')}` : ''}`);
}
