import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;

/** One pool per process. Timestamps travel as UTC; formatting in a company's zone is explicit. */
export function connect(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { TimeZone: 'UTC', application_name: 'reports-module' },
    // int8 ids and counts fit in a double here; JSON cannot carry BigInt.
    types: { bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
  }) as unknown as Sql;
}
