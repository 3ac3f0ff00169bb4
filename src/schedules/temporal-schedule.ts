/**
 * A report schedule's Temporal Schedule, `report-schedule-<id>`: in the company's zone, overlap SKIP, its
 * runs started as `scheduledReportWorkflow`. The record in reports.report_schedules is the truth; these
 * functions make Temporal follow it, and are idempotent so reconciliation can repeat them.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { CompanyIdKey, ReportTypeKey } from '../../workflows/definitions';
import { calendarOf, type Cadence } from './cadence';

export const reportScheduleId = (scheduleId: string): string => `report-schedule-${scheduleId}`;

export interface ScheduleTarget {
  id: string;
  companyId: number;
  type: string;
  cadence: Cadence;
  paused: boolean;
  timezone: string;
}

export interface ScheduledRunInput {
  scheduleId: string;
}

export interface TemporalScheduleOptions {
  taskQueue: string;
  /** SCHEDULE_JITTER_SECONDS: runs due at the same minute start spread over this many seconds. */
  jitterSeconds?: number;
}

function definition(target: ScheduleTarget, opts: TemporalScheduleOptions) {
  const input: ScheduledRunInput = { scheduleId: target.id };
  return {
    spec: { calendars: [calendarOf(target.cadence)], timezone: target.timezone, ...(opts.jitterSeconds ? { jitter: opts.jitterSeconds * 1000 } : {}) },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'scheduledReportWorkflow',
      taskQueue: opts.taskQueue,
      workflowId: `${reportScheduleId(target.id)}-run`,
      args: [input],
      // A run waits for a free slot when its company is at its limit, but not into the next day's run.
      workflowExecutionTimeout: 23 * 60 * 60 * 1000,
      typedSearchAttributes: [{ key: CompanyIdKey, value: target.companyId }, { key: ReportTypeKey, value: target.type }],
    },
    // A missed run (Temporal down at the minute) still happens within the hour; older ones are skipped.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 60 * 60 * 1000, pauseOnFailure: false },
  };
}

/** Creates the Temporal Schedule, or brings an existing one to the record's state (spec, action, paused). */
export async function pushSchedule(client: Client, target: ScheduleTarget, opts: TemporalScheduleOptions): Promise<void> {
  const scheduleId = reportScheduleId(target.id);
  const { spec, action, policies } = definition(target, opts);
  try {
    await client.schedule.create({
      scheduleId, spec, action, policies,
      state: { paused: target.paused, note: target.paused ? 'pausado' : undefined },
      // Company and type only: no names, e-mails or URLs in Temporal (no PII in the UI).
      memo: { companyId: target.companyId, type: target.type },
      typedSearchAttributes: [{ key: CompanyIdKey, value: target.companyId }, { key: ReportTypeKey, value: target.type }],
    });
    return;
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(scheduleId);
  await handle.update((previous) => ({ ...previous, spec, action, policies }));
  const { state } = await handle.describe();
  if (state.paused !== target.paused) await (target.paused ? handle.pause('pausado') : handle.unpause('retomado'));
}

/** Deletes the Temporal Schedule; no error when it is already gone. */
export async function removeSchedule(client: Client, scheduleId: string): Promise<void> {
  try {
    await client.schedule.getHandle(reportScheduleId(scheduleId)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

/** The next run times (up to 3), or [] when paused or unknown to Temporal. */
export async function nextRuns(client: Client, scheduleId: string): Promise<string[]> {
  try {
    const d = await client.schedule.getHandle(reportScheduleId(scheduleId)).describe();
    return d.state.paused ? [] : d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString());
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return [];
    throw err;
  }
}
