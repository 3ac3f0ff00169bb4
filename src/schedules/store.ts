// Report schedules in reports.report_schedules, kept in step with their Temporal Schedules (temporal-schedule.ts).
import type { Client } from '@temporalio/client';
import type { Sql } from '../db/connection';
import type { Cadence } from './cadence';
import { pushSchedule, removeSchedule, type TemporalScheduleOptions } from './temporal-schedule';

export interface ScheduleRow {
  id: string;
  companyId: number;
  name: string;
  type: string;
  filters: Record<string, unknown>;
  format: string;
  cadence: Cadence;
  emails: string[];
  webhookEndpointIds: string[];
  paused: boolean;
  createdBy: number;
  createdAt: Date;
  updatedAt: Date;
  syncState: 'creating' | 'updating' | 'deleting' | 'synced';
  timezone: string;
  lastFailure: string | null;
  lastFailureAt: Date | null;
}

export function selectSchedules(sql: Sql) {
  return sql`
    select s.id, s.company_id as "companyId", s.name, s.type, s.filters, s.format, s.cadence, s.emails,
      s.webhook_endpoint_ids as "webhookEndpointIds", s.paused, s.created_by as "createdBy", s.created_at as "createdAt",
      s.updated_at as "updatedAt", s.sync_state as "syncState", c.timezone,
      s.last_failure as "lastFailure", s.last_failure_at as "lastFailureAt"
    from reports.report_schedules s join public.companies c on c.id = s.company_id`;
}

export interface ScheduleSync {
  client: Client;
  temporal: TemporalScheduleOptions;
}

/** The record's state pushed to Temporal, then the record marked in step. */
export async function syncSchedule(sql: Sql, sync: ScheduleSync, row: ScheduleRow): Promise<void> {
  await pushSchedule(sync.client, { ...row }, sync.temporal);
  await sql`update reports.report_schedules set sync_state = 'synced' where id = ${row.id} and sync_state in ('creating', 'updating')
            and date_trunc('milliseconds', updated_at) = date_trunc('milliseconds', ${row.updatedAt}::timestamptz)`;
}

/** The Temporal Schedule removed first, then the record: the record never goes while its schedule remains. */
export async function finishDelete(sql: Sql, sync: ScheduleSync, id: string): Promise<void> {
  await removeSchedule(sync.client, id);
  await sql`delete from reports.report_schedules where id = ${id} and sync_state = 'deleting'`;
}

/**
 * Finishes what a request that died half-way left (older than `graceMs`, so a request still running is not
 * overtaken): an unfinished creation is undone (its requester got no 201), an unfinished update is pushed
 * again, an unfinished delete is completed. Returns how many rows it settled.
 */
export async function reconcileSchedules(sql: Sql, sync: ScheduleSync, opts: { companyId?: number; graceMs?: number } = {}): Promise<number> {
  const graceMs = opts.graceMs ?? 2 * 60 * 1000;
  const rows = await sql<ScheduleRow[]>`${selectSchedules(sql)}
    where s.sync_state <> 'synced' and s.sync_since <= now() - make_interval(secs => ${graceMs / 1000})
      ${opts.companyId === undefined ? sql`` : sql`and s.company_id = ${opts.companyId}`}
    order by s.sync_since limit 100`;
  for (const row of rows) {
    if (row.syncState === 'updating') {
      await syncSchedule(sql, sync, row);
    } else {
      await sql`update reports.report_schedules set sync_state = 'deleting' where id = ${row.id}`;
      await finishDelete(sql, sync, row.id);
    }
  }
  return rows.length;
}
