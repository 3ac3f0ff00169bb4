// The one test client of the reports API: request as a user, wait for a report to reach a state, download
// its file (following the 302 to the signed link), read it as CSV, and read refusals (problem details).
import { afterAll, beforeAll, expect } from 'vitest';
import { parseReportCsv } from './csv';
import { createCompany, type CompanyFixture } from './rows';
import { startStack, type Stack, type StackOptions } from './stack';
import { until } from './until';

export type Report = Record<string, any>;

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 refusal as the API writes it. */
export interface Problem {
  status: number;
  contentType: string;
  type: string;
  title: string;
  detail: string;
  errors: FieldError[];
}

const settled = (r: Report) => r.status !== 'PROCESSING';

export class ReportsApi {
  constructor(readonly stack: Stack, readonly token: string) {}

  /** The same client, as another user. */
  as(user: { id: number; companyId: number }): ReportsApi {
    return new ReportsApi(this.stack, this.stack.tokenFor(user));
  }

  /** Any call, authenticated as this client's user (redirects are not followed). */
  fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    return this.stack.api(pathname, { ...init, token: this.token });
  }

  /** POST /api/reports with any body (an object is sent as JSON, a string as it is). */
  post(body: unknown, headers?: Record<string, string>): Promise<Response> {
    return this.fetch('/api/reports', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  }

  /** Asks for a report (202 expected) and returns its id. */
  async request(type: string, filters: Record<string, unknown>, format?: string): Promise<string> {
    const res = await this.post({ type, filters, ...(format ? { format } : {}) });
    expect(res.status, await res.clone().text()).toBe(202);
    const created = (await res.json()) as { id: string; status: string };
    expect(res.headers.get('location')).toBe(`/api/reports/${created.id}`);
    expect(created.status).toBe('PROCESSING');
    return created.id;
  }

  async get(id: string): Promise<Report> {
    return (await (await this.fetch(`/api/reports/${id}`)).json()) as Report;
  }

  /** The report once `done` holds for it (by default: once it is no longer PROCESSING). */
  waitFor(id: string, done: (r: Report) => boolean = settled, timeoutMs = 120_000): Promise<Report> {
    return until(`report ${id} to reach the expected state`, async () => {
      const report = await this.get(id);
      return done(report) && report;
    }, timeoutMs, 50);
  }

  /** The report once finished, which must be READY. */
  async ready(id: string, timeoutMs?: number): Promise<Report> {
    const report = await this.waitFor(id, settled, timeoutMs);
    expect(report.status, JSON.stringify(report.error)).toBe('READY');
    return report;
  }

  /** The signed link a READY report's download redirects to. */
  async link(id: string): Promise<URL> {
    const res = await this.fetch(`/api/reports/${id}/download`);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  /** A READY report's file, through its signed link. */
  async download(id: string): Promise<Buffer> {
    return (await this.downloadFile(id)).bytes;
  }

  /** A READY report's file and the content type its link serves it with. */
  async downloadFile(id: string): Promise<{ bytes: Buffer; contentType: string | null }> {
    const file = await fetch(await this.link(id));
    expect(file.status).toBe(200);
    return { bytes: Buffer.from(await file.arrayBuffer()), contentType: file.headers.get('content-type') };
  }

  /** Request → READY → download. */
  async run(type: string, filters: Record<string, unknown>, format?: string) {
    const id = await this.request(type, filters, format);
    const report = await this.ready(id);
    const { bytes, contentType } = await this.downloadFile(id);
    return { id, report, bytes, contentType, text: bytes.toString('utf8') };
  }

  /** Request → READY → download, read as the module's CSV (BOM, `;`, CRLF): header first. */
  async runCsv(type: string, filters: Record<string, unknown>) {
    const result = await this.run(type, filters);
    return { ...result, rows: parseReportCsv(result.bytes) };
  }

  /** A request that must be refused with 400: its problem details. */
  async refusal(type: string, filters: unknown): Promise<Problem> {
    return expectProblem(await this.post({ type, filters }), 400);
  }

  /** The paths a 400 names; each message names its field too. */
  async refusedPaths(type: string, filters: unknown): Promise<string[]> {
    const { errors } = await this.refusal(type, filters);
    for (const e of errors) expect(e.message, e.path).toContain(fieldOf(e.path));
    return errors.map((e) => e.path);
  }
}

/** The field a path names: `filters.queueIds.1` → `queueIds`. */
const fieldOf = (path: string) => path.split('.').filter((p) => p !== 'filters' && !/^\d+$/.test(p)).pop() ?? path;

/** Reads a refusal: problem details with the given status (any 4xx when absent). */
export async function expectProblem(res: Response, status?: number): Promise<Problem> {
  const text = await res.text();
  if (status === undefined) {
    expect(res.status, text.slice(0, 500)).toBeGreaterThanOrEqual(400);
    expect(res.status, text.slice(0, 500)).toBeLessThan(500);
  } else {
    expect(res.status, text.slice(0, 500)).toBe(status);
  }
  const contentType = res.headers.get('content-type') ?? '';
  expect(contentType).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as Omit<Problem, 'status' | 'contentType'> & { status: number };
  return { ...problem, contentType, errors: problem.errors ?? [] };
}

/** Tokens of each profile of company `a`, and of `b`'s admin and user: the callers of permission and tenant tests. */
export function profileTokens(stack: Stack, a: CompanyFixture, b: CompanyFixture) {
  const of = (c: CompanyFixture, id: number) => stack.tokenFor({ id, companyId: c.id });
  return { adminA: of(a, a.admin), supervisorA: of(a, a.supervisor), userA: of(a, a.user), adminB: of(b, b.admin), userB: of(b, b.user) };
}

/** A CSV file as the tests expect it: BOM, header, CRLF after every row. */
export const csvFile = (header: string, rows: string[]) => '\uFEFF' + [header, ...rows].map((r) => r + '\r\n').join('');

/**
 * A finished CSV whose every byte the test knows: the file is exactly `expected`, the record says its size,
 * name and full progress, and nothing of the other company (`OUTRA-EMPRESA`) is in it.
 */
export function expectWholeCsv(report: Report, bytes: Buffer, expected: string, fileName: string, rows: number): void {
  expect(bytes.toString('utf8')).toBe(expected);
  expect(report).toMatchObject({
    rowCount: rows, sizeBytes: bytes.length, fileName, format: 'csv', progress: { rows, totalRows: rows, percent: 100 }, error: null,
  });
  expect(bytes.toString('utf8')).not.toContain('OUTRA-EMPRESA');
}

/**
 * A stack for the enclosing describe: started before its tests, stopped after. What it returns stands for
 * the stack (and is usable from the tests and hooks on).
 */
export function useStack(options: StackOptions | (() => StackOptions) = {}): Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    const started = await startStack(typeof options === 'function' ? options() : options);
    // Stopped once: a test's own afterAll may stop it first (to check what is left after it).
    let stopped: Promise<void> | undefined;
    stack = { ...started, stop: () => (stopped ??= started.stop()) };
  }, 120_000);
  afterAll(() => stack?.stop());
  return lateBound('the stack', () => stack);
}

export interface CompanySession extends CompanyFixture {
  /** A client as the company's admin. */
  api: ReportsApi;
  /** The admin's token. */
  token: string;
}

/** A company created on `stack` before the tests (after the hooks before this call), with a client as its admin. */
export function useCompany(stack: Stack, name: string, timezone?: string): CompanySession {
  let session: CompanySession | undefined;
  beforeAll(async () => {
    const company = await createCompany(stack.sql, name, timezone);
    const api = new ReportsApi(stack, stack.tokenFor({ id: company.admin, companyId: company.id }));
    session = { ...company, api, token: api.token };
  }, 120_000);
  return lateBound(`company ${name}`, () => session);
}

/** An object whose properties are read from `current()` when used: a value that hooks fill in later. */
function lateBound<T extends object>(what: string, current: () => T | undefined): T {
  const target = (): T => {
    const value = current();
    if (!value) throw new Error(`${what} is not ready: use it from a test or a hook`);
    return value;
  };
  return new Proxy({} as T, {
    // Not bound: the stack's functions need no `this`, and `sql` must keep its own properties (`sql.begin`).
    get: (_, prop) => Reflect.get(target(), prop) as unknown,
    has: (_, prop) => prop in target(),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, prop) => Reflect.getOwnPropertyDescriptor(target(), prop),
  });
}
