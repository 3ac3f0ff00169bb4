/**
 * Live report events for GET /api/reports/events (Server-Sent Events), across API processes.
 *
 * Every change of `reports.reports` is announced by a trigger with NOTIFY on `reports_events` at commit
 * (migration 010), whoever made it: this process, another API process, a worker, retention. Each API
 * process LISTENs on one connection, reads the changed row once, and writes it to each of its streams of
 * that company whose user may see the type.
 *
 * Consistency: a stream starts with a `snapshot` event (every visible report), and so does a reconnect
 * (EventSource reconnects by itself). Events that arrive while a snapshot is read are held, then sent only
 * if newer than what the snapshot showed (each row change has a new `event_seq`), so a client that replaces
 * its list with the snapshot and applies events in order always ends with the database's state. If the
 * LISTEN connection drops, NOTIFYs in the gap are lost: on reconnect every stream gets a new snapshot.
 */
import type { Response } from 'express';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import type { CurrentUser } from './auth';
import { EventStream, type ReportEvent } from './event-stream';
import { loadPermissions, mayUse, visibleTo, type TypePermissions } from './permissions';
import { selectReports, toResource, type ReportRow } from './report-resource';

export const EVENTS_CHANNEL = 'reports_events';

interface Notice {
  op: 'INSERT' | 'UPDATE' | 'DELETE' | 'PERMISSIONS';
  companyId: number;
  id?: string;
  type?: string;
  statusChanged?: boolean;
}

export interface ReportEventHubOptions {
  /** Comment lines that keep proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** Progress-only changes of one report are sent at most this often (status changes at once). */
  progressIntervalMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Open streams allowed at once per user and per company in this API process; beyond them, 429. */
  maxStreamsPerUser?: number;
  maxStreamsPerCompany?: number;
}

/** What a client refused for too many streams should wait before trying again, in seconds. */
export const STREAM_RETRY_AFTER_SECONDS = 30;

export class ReportEventHub {
  private readonly streams = new Map<number, Set<EventStream>>();
  private readonly permissions = new Map<number, TypePermissions>();
  /** Bumped by every permissions change: a load that a change overtook is not kept. */
  private readonly permissionsGeneration = new Map<number, number>();
  private readonly progress = new Map<string, { lastAt: number; timer?: NodeJS.Timeout }>();
  private listening?: Promise<{ unlisten(): Promise<void> }>;
  private listens = 0;
  private notices = Promise.resolve();
  private heartbeat?: NodeJS.Timeout;
  private readonly heartbeatMs: number;
  private readonly progressIntervalMs: number;
  private readonly maxStreamsPerUser: number;
  private readonly maxStreamsPerCompany: number;
  private readonly log: NonNullable<ReportEventHubOptions['log']>;

  constructor(private readonly sql: Sql, options: ReportEventHubOptions = {}) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.progressIntervalMs = options.progressIntervalMs ?? 1_000;
    this.maxStreamsPerUser = options.maxStreamsPerUser ?? 5;
    this.maxStreamsPerCompany = options.maxStreamsPerCompany ?? 200;
    this.log = options.log ?? (() => {});
  }

  /** Open streams of this process: all of them, or one company's. */
  openStreams(companyId?: number): number {
    if (companyId !== undefined) return this.streams.get(companyId)?.size ?? 0;
    return [...this.streams.values()].reduce((n, c) => n + c.size, 0);
  }

  /**
   * Serves one SSE connection until the client leaves, its token expires, or the hub stops. `left` says
   * whether the client has already gone (its close was watched before the caller's first await): such a
   * client is never registered.
   */
  async serve(res: Response, user: CurrentUser, session: { tokenExpiresAt: Date; left: () => boolean }): Promise<void> {
    await this.listen();
    if (session.left()) return;
    if (!this.permissions.has(user.companyId)) await this.refreshPermissions(user.companyId);
    if (session.left()) return;
    const company = this.streams.get(user.companyId) ?? new Set<EventStream>();
    const mine = [...company].filter((s) => s.user.id === user.id).length;
    if (mine >= this.maxStreamsPerUser) {
      throw AppError.tooManyRequests(
        `Já há ${mine} conexões de eventos abertas para este usuário (limite ${this.maxStreamsPerUser}): feche outra aba e tente de novo.`,
        STREAM_RETRY_AFTER_SECONDS,
      );
    }
    if (company.size >= this.maxStreamsPerCompany) {
      throw AppError.tooManyRequests(
        `A empresa já tem ${company.size} conexões de eventos abertas (limite ${this.maxStreamsPerCompany}): tente de novo em instantes.`,
        STREAM_RETRY_AFTER_SECONDS,
      );
    }
    const lifetime = session.tokenExpiresAt.getTime() - Date.now();
    if (lifetime <= 0) throw AppError.unauthorized('O token expirou: entre novamente.');

    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    const stream = new EventStream({ ...user }, res);
    stream.write('retry: 3000\n\n');
    this.streams.set(user.companyId, company);
    company.add(stream);
    // The token's word ends with it: the client must come back with a new one (EventSource reconnects).
    const expiry = setTimeout(() => {
      stream.write('event: token.expired\ndata: {}\n\n');
      res.end();
    }, Math.min(lifetime, 2 ** 31 - 1));
    res.on('close', () => {
      clearTimeout(expiry);
      company.delete(stream);
      if (company.size === 0 && this.streams.get(user.companyId) === company) this.streams.delete(user.companyId);
    });
    this.heartbeat ??= setInterval(() => void this.beat(), this.heartbeatMs);
    await this.snapshot(stream);
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const p of this.progress.values()) clearTimeout(p.timer);
    this.progress.clear();
    for (const company of this.streams.values()) for (const s of company) s.res.end();
    this.streams.clear();
    const listening = this.listening;
    this.listening = undefined;
    await listening?.then((l) => l.unlisten(), () => {});
  }

  private listen(): Promise<unknown> {
    if (!this.listening) {
      this.listening = this.sql.listen(EVENTS_CHANNEL, (payload) => this.onNotice(payload), () => this.onListen());
      // A failed first LISTEN is tried again by the next client.
      this.listening.catch(() => (this.listening = undefined));
    }
    return this.listening;
  }

  private onListen(): void {
    // After the first time, this is a reconnect: what was notified in between is lost, so start over.
    if (this.listens++ === 0) return;
    this.log('report events: LISTEN reconnected, re-reading permissions and sending snapshots');
    // A permissions change in the gap was lost too. In the notice queue, so that no later event is
    // delivered under the permissions known before the gap.
    this.notices = this.notices
      .then(async () => {
        this.permissions.clear();
        for (const companyId of this.streams.keys()) await this.refreshPermissions(companyId);
        for (const company of this.streams.values()) for (const s of company) this.resnapshot(s);
      })
      .catch((err) => this.log('report events: could not re-read permissions after a reconnect', { err: String(err) }));
  }

  private onNotice(payload: string): void {
    // One at a time, in commit order: a row read for an earlier notice never overtakes a later one.
    this.notices = this.notices
      .then(() => this.handle(JSON.parse(payload) as Notice))
      .catch((err) => this.log('report events: could not handle a notification', { err: String(err) }));
  }

  private async handle(n: Notice): Promise<void> {
    const company = this.streams.get(n.companyId);
    if (n.op === 'PERMISSIONS') {
      await this.refreshPermissions(n.companyId);
      for (const s of company ?? []) this.resnapshot(s);
      return;
    }
    if (!company?.size) return;
    const id = n.id!;
    if (n.op === 'DELETE') {
      this.forgetProgress(id);
      this.deliver(n.companyId, n.type!, { name: 'report.deleted', id, seq: Infinity, data: { id } });
      return;
    }
    if (n.op === 'UPDATE' && !n.statusChanged) return this.throttledProgress(id);
    this.forgetProgress(id);
    await this.emitCurrent(id, n.op === 'INSERT' ? 'report.created' : 'report.updated');
  }

  /** Progress-only changes: at most one event per report per interval, the last one always sent. */
  private async throttledProgress(id: string): Promise<void> {
    const p = this.progress.get(id) ?? { lastAt: 0 };
    this.progress.set(id, p);
    if (p.timer) return;
    const wait = p.lastAt + this.progressIntervalMs - Date.now();
    if (wait <= 0) return this.emitCurrent(id, 'report.updated');
    p.timer = setTimeout(() => {
      p.timer = undefined;
      this.notices = this.notices.then(() => this.emitCurrent(id, 'report.updated')).catch(() => {});
    }, wait);
  }

  private forgetProgress(id: string): void {
    clearTimeout(this.progress.get(id)?.timer);
    this.progress.delete(id);
  }

  private async emitCurrent(id: string, name: 'report.created' | 'report.updated'): Promise<void> {
    const [row] = await this.sql<ReportRow[]>`${selectReports(this.sql)} where r.id = ${id}`;
    if (!row) return; // deleted since: its report.deleted follows
    const p = this.progress.get(id);
    if (p) p.lastAt = Date.now();
    this.deliver(row.companyId, row.type, { name, id, seq: row.eventSeq, data: toResource(row) });
  }

  private deliver(companyId: number, type: string, event: ReportEvent): void {
    const permissions = this.permissions.get(companyId);
    // Not known (a change overtook its load): admins only until it is, never a leak.
    if (!permissions) void this.refreshPermissions(companyId).catch(() => {});
    for (const s of this.streams.get(companyId) ?? []) {
      if (permissions ? mayUse(s.user.profile, type, permissions) : s.user.profile === 'admin') s.offer(event);
    }
  }

  private async refreshPermissions(companyId: number): Promise<void> {
    const generation = (this.permissionsGeneration.get(companyId) ?? 0) + 1;
    this.permissionsGeneration.set(companyId, generation);
    const permissions = await loadPermissions(this.sql, companyId);
    if (this.permissionsGeneration.get(companyId) === generation) this.permissions.set(companyId, permissions);
  }

  private resnapshot(stream: EventStream): void {
    stream.held ??= [];
    void this.snapshot(stream);
  }

  /** Sends every visible report, then what arrived meanwhile if it is newer. */
  private snapshot(stream: EventStream): Promise<void> {
    stream.snapshots = stream.snapshots.then(async () => {
      stream.held ??= [];
      const rows = await this.sql<ReportRow[]>`
        ${selectReports(this.sql)} where ${visibleTo(this.sql, stream.user)}
        order by r.created_at desc, r.id desc limit 500`;
      const deleted = [...stream.seen].filter(([, seq]) => seq === Infinity);
      stream.seen = new Map([...deleted, ...rows.map((r) => [r.id, r.eventSeq] as [string, number])]);
      stream.write(`event: snapshot\ndata: ${JSON.stringify({ reports: rows.map(toResource) })}\n\n`);
      const held = stream.held ?? [];
      stream.held = null;
      for (const event of held) stream.offer(event);
    }).catch((err) => {
      this.log('report events: snapshot failed, closing the stream', { err: String(err) });
      stream.res.end();
    });
    return stream.snapshots;
  }

  /** Keeps idle streams open, and ends those whose user was deleted or changes what they may see. */
  private async beat(): Promise<void> {
    const all = [...this.streams.values()].flatMap((c) => [...c]);
    if (all.length === 0) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    for (const s of all) s.write(': keep-alive\n\n');
    try {
      const ids = [...new Set(all.map((s) => s.user.id))];
      const users = await this.sql<{ id: number; profile: CurrentUser['profile'] }[]>`
        select id, profile from public.users where id = any(${ids}::bigint[]) and deleted_at is null`;
      const profiles = new Map(users.map((u) => [u.id, u.profile]));
      for (const s of all) {
        const profile = profiles.get(s.user.id);
        if (!profile) s.res.end();
        else if (profile !== s.user.profile) {
          s.user.profile = profile;
          this.resnapshot(s);
        }
      }
    } catch (err) {
      this.log('report events: could not re-check users', { err: String(err) });
    }
  }
}
