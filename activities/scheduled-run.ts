// A schedule's run: make its report as an ordinary one (listed, kept 7 per type, `schedule` set), or wait.
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { createReport } from '../src/api/create-report';
import type { CurrentUser } from '../src/api/auth';
import type { Sql } from '../src/db/connection';
import { AppError } from '../src/errors';
import type { Logger } from '../src/log';
import { findReport } from '../src/reports';
import { removeSchedule } from '../src/schedules/temporal-schedule';
import type { ReportStorage } from '../src/storage/storage';
import type { ReportWorkflows } from '../src/temporal/client';
import type { ReportFormat } from '../src/reports';

export interface ScheduledRunDeps {
  sql: Sql;
  storage: ReportStorage;
  log?: Logger;
  /** The worker's client: runs start report workflows, and remove a Temporal Schedule whose record is gone. */
  workflows?: ReportWorkflows;
  maxProcessingPerCompany?: number;
  /** HEAVY_REPORT_DAYS (src/reports/lanes.ts; 7 by default). */
  heavyReportDays?: number;
  /** Seconds a run waits before asking again when its company is at its processing limit. */
  scheduleLimitWaitSeconds?: number;
}

export type ScheduledRunResult =
  | { outcome: 'started'; reportId: string }
  | { outcome: 'waiting'; retryInSeconds: number }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; message: string };

export function createScheduledRunActivities(deps: ScheduledRunDeps) {
  const { sql } = deps;
  return {
    async startScheduledRun(scheduleId: string): Promise<ScheduledRunResult> {
      const workflows = deps.workflows;
      if (!workflows) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for scheduled runs', 'NoClient');
      const [row] = await sql<{ id: string; companyId: number; name: string; type: string; filters: unknown; format: string; createdBy: number; syncState: string }[]>`
        select id, company_id as "companyId", name, type, filters, format, created_by as "createdBy", sync_state as "syncState"
        from reports.report_schedules where id = ${scheduleId}`;
      if (!row) {
        // A Temporal Schedule without its record: remove it, so it stops firing.
        await removeSchedule(workflows.client, scheduleId);
        deps.log?.warn('scheduled run without its schedule record: Temporal Schedule removed', { scheduleId });
        return { outcome: 'skipped', reason: 'schedule record is gone' };
      }
      if (row.syncState === 'creating' || row.syncState === 'deleting') return { outcome: 'skipped', reason: `schedule is ${row.syncState}` };
      // The run is asked for by the schedule's author (even if since removed: the company's schedule still runs).
      const [user] = await sql<CurrentUser[]>`
        select id, company_id as "companyId", name, profile from public.users where id = ${row.createdBy} and company_id = ${row.companyId}`;
      const report = findReport(row.type);
      if (!user || !report) return fail(row, 'O autor ou o tipo deste agendamento não existe mais. Edite o agendamento.');
      try {
        const { report: created } = await createReport(
          { sql, storage: deps.storage, workflows, maxProcessingPerCompany: deps.maxProcessingPerCompany, heavyReportDays: deps.heavyReportDays, log: (msg, f) => deps.log?.info(msg, f) },
          user, report, row.filters,
          // One report per run, however often this activity is retried: the run's id is the Idempotency-Key.
          { idempotencyKey: `schedule-run:${activityInfo().workflowExecution?.runId ?? scheduleId}`, schedule: { id: row.id, name: row.name }, memo: { scheduleId: row.id }, format: row.format as ReportFormat },
        );
        return { outcome: 'started', reportId: created.id };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.status === 429) return { outcome: 'waiting', retryInSeconds: deps.scheduleLimitWaitSeconds ?? 30 };
        if (err.status >= 500) throw err;
        const detail = err.errors.length ? `${err.message} ${err.errors.map((e) => e.message).join('; ')}` : err.message;
        return fail(row, `O agendamento não pôde gerar o relatório: ${detail}`);
      }
    },
  };

  async function fail(row: { id: string; companyId: number }, message: string): Promise<ScheduledRunResult> {
    await sql`update reports.report_schedules set last_failure = ${message}, last_failure_at = now() where id = ${row.id}`;
    deps.log?.warn('scheduled run could not make its report', { scheduleId: row.id, companyId: row.companyId, message });
    return { outcome: 'failed', message };
  }
}
