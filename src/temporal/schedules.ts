/**
 * The retention Schedule: every RETENTION_INTERVAL_MINUTES (15 by default) it starts `retentionWorkflow`
 * on the reports task queue, skipping a tick while the previous run is still going.
 *
 * Every worker process ensures it at start: the first creates it, the others find it and only update it if
 * its interval or task queue differs from theirs, so any number of workers may start at once.
 */
import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { retentionWorkflow, type RetentionInput } from '../../workflows/retention';
import { KEEP_PER_TYPE } from '../lifecycle/retention';

export const DEFAULT_RETENTION_INTERVAL_MS = 15 * 60 * 1000;

/** `reports-retention` on the default task queue; one schedule per task queue (tests run one queue each). */
export const retentionScheduleId = (taskQueue: string): string => `${taskQueue}-retention`;

export interface RetentionScheduleOptions {
  taskQueue: string;
  intervalMs?: number;
  keepPerType?: number;
}

export async function ensureRetentionSchedule(
  client: Client, opts: RetentionScheduleOptions,
): Promise<{ scheduleId: string; intervalMs: number; created: boolean }> {
  const scheduleId = retentionScheduleId(opts.taskQueue);
  const intervalMs = opts.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  const input: RetentionInput = { keepPerType: opts.keepPerType ?? KEEP_PER_TYPE };
  const spec = { intervals: [{ every: intervalMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: retentionWorkflow,
    taskQueue: opts.taskQueue,
    args: [input] as [RetentionInput],
    // A run deletes per report and is cheap; one that cannot finish in an hour is stuck, not slow.
    workflowExecutionTimeout: 60 * 60 * 1000,
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 60 * 1000, pauseOnFailure: false };
  try {
    await client.schedule.create({
      scheduleId, spec, action, policies,
      state: { note: `Reports retention: expire 24 h links, keep the newest ${input.keepPerType} reports per company and type.` },
    });
    return { scheduleId, intervalMs, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const current = await handle.describe();
  const currentAction = current.action as { taskQueue?: string; args?: unknown[] };
  const same =
    current.spec.intervals?.length === 1 && current.spec.intervals[0].every === intervalMs &&
    currentAction.taskQueue === opts.taskQueue &&
    JSON.stringify(currentAction.args) === JSON.stringify(action.args) &&
    current.policies.overlap === ScheduleOverlapPolicy.SKIP;
  if (!same) await handle.update((previous) => ({ ...previous, spec, action, policies }));
  return { scheduleId, intervalMs, created: false };
}

/** For worker processes, which hold a NativeConnection only: connect a client, ensure, disconnect. */
export async function ensureRetentionScheduleAt(
  temporal: { address: string; namespace: string }, opts: RetentionScheduleOptions,
): Promise<{ scheduleId: string; intervalMs: number; created: boolean }> {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    return await ensureRetentionSchedule(new Client({ connection, namespace: temporal.namespace }), opts);
  } finally {
    await connection.close();
  }
}
