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
 * cannot read another company's row even if its author forgets a predicate.
 */

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
}

/** One statement whose result is small (aggregates): read whole, in its own ORDER BY. */
export interface WholeQuery {
  kind: 'whole';
  /** Extra CTEs after the tenant prelude, in order. */
  ctes?: [name: string, body: string][];
  sql: string;
}

export type ReportQuery = KeysetQuery | WholeQuery;

const PLATFORM_TABLES = [
  'companies', 'users', 'queues', 'whatsapps', 'contacts', 'tags', 'tickets', 'ticket_trackings',
  'messages', 'campaigns', 'cost_centers', 'official_messages', 'webhook_events', 'access_logs',
] as const;

export class QueryParams {
  readonly settings: [name: string, value: string][] = [];

  constructor(companyId: number, timezone: string) {
    this.settings.push(['reports.company_id', String(companyId)], ['reports.tz', timezone]);
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
    const name = `reports.p${this.settings.length}`;
    this.settings.push([name, Array.isArray(v) ? toArrayLiteral(v) : String(v)]);
    const read = `(select current_setting('${name}')::${type})`;
    // The outer cast keeps `x = any(<array>)` from being read as `x = any(<subquery>)`.
    return type.endsWith('[]') ? `${read}::${type}` : read;
  }

  /** 00:00 of a calendar day (YYYY-MM-DD) in the company's zone, as a timestamptz. */
  dayStart(day: string): string {
    return `(select (current_setting('${this.nameOf(this.value(day, 'date'))}')::date)::timestamp at time zone current_setting('reports.tz'))`;
  }

  /** 00:00 of the day after `day` in the company's zone: the exclusive end of an inclusive range. */
  dayEnd(day: string): string {
    return `(select (current_setting('${this.nameOf(this.value(day, 'date'))}')::date + 1)::timestamp at time zone current_setting('reports.tz'))`;
  }

  /** A timestamp formatted as reports.md says, in the company's zone. */
  ts(expr: string): string {
    return `reports.fmt_ts(${expr}, ${this.timezone})`;
  }

  private nameOf(placeholder: string): string {
    return /current_setting\('([^']+)'\)/.exec(placeholder)![1];
  }
}

function toArrayLiteral(values: readonly (string | number)[]): string {
  const items = values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `{${items.join(',')}}`;
}

/** Shadows every platform table with the company's own rows. */
export function tenantPrelude(q: QueryParams): string {
  const scoped = PLATFORM_TABLES.map((t) => {
    const column = t === 'companies' ? 'id' : 'company_id';
    return `${t} as not materialized (select * from public.${t} where ${column} = ${q.companyId})`;
  });
  scoped.push(
    `user_queues as not materialized (select uq.* from public.user_queues uq join public.users u on u.id = uq.user_id where u.company_id = ${q.companyId})`,
    `ticket_tags as not materialized (select tt.* from public.ticket_tags tt join public.tickets t on t.id = tt.ticket_id where t.company_id = ${q.companyId})`,
  );
  return `with ${scoped.join(',\n')}`;
}

/** The statement to COPY: one page of a keyset query after `cursor`, or the whole query. */
export function buildCopySql(query: ReportQuery, q: QueryParams, cursor: string[] | null): string {
  const prelude = tenantPrelude(q);
  if (query.kind === 'whole') {
    const ctes = (query.ctes ?? []).map(([name, body]) => `,\n${name} as (${body})`).join('');
    return `${prelude}${ctes}\n${query.sql}`;
  }
  const where = [...query.where];
  if (cursor) {
    const bounds = query.key.map((k, i) => q.value(cursor[i], k.type));
    where.push(`(${query.key.map((k) => k.expr).join(', ')}) > (${bounds.join(', ')})`);
  }
  const keyText = `concat_ws('|', ${query.key.map((k) => k.expr).join(', ')})`;
  return `${prelude}
select ${[...query.select, keyText].join(',\n  ')}
from ${query.from}
${where.length ? `where ${where.join('\n  and ')}` : ''}
order by ${query.key.map((k) => k.expr).join(', ')}`;
}

/**
 * The same statement with people's text exactly as stored (reports.fmt_plain_text, 015_xlsx_format.sql):
 * for a workbook, whose text cells are never formulas, so the CSV's anti-formula apostrophe would only
 * corrupt them. Safe as a text swap because values never enter the SQL text (see QueryParams).
 */
export function withPlainText(copySql: string): string {
  return copySql.replaceAll('reports.fmt_text(', 'reports.fmt_plain_text(');
}

/** How many rows a keyset query will give: the total shown in progress. */
export function buildCountSql(query: KeysetQuery, q: QueryParams): string {
  return `${tenantPrelude(q)}
select count(*)::bigint as n from ${query.from}
${query.where.length ? `where ${query.where.join('\n  and ')}` : ''}`;
}
