// The retention run, started by the Schedule (src/temporal/schedules.ts): expire 24 h links, keep each
// company's newest reports of each type, forget old idempotency keys. Its result and memo say what it did.
import { proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { RetentionStepResult } from '../activities/retention';

type Activities = ReturnType<typeof createActivities>;

export interface RetentionInput {
  /** Reports kept per company and type (7, DESIGN.md). */
  keepPerType: number;
}

export interface RetentionResult {
  /** One line for the Temporal UI: what was deleted. */
  summary: string;
  /** READY reports whose file was deleted because their link expired (records kept, `expired: true`). */
  expired: RetentionStepResult;
  /** Finished reports deleted, file and record, for being older than the newest `keepPerType`. */
  deleted: RetentionStepResult;
  idempotencyKeysForgotten: number;
}

const { expireReportFiles, pruneOldReports, forgetIdempotencyKeys } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export async function retentionWorkflow(input: RetentionInput): Promise<RetentionResult> {
  const expired = await expireReportFiles();
  const deleted = await pruneOldReports(input.keepPerType);
  const idempotencyKeysForgotten = await forgetIdempotencyKeys();
  const summary =
    expired.count === 0 && deleted.count === 0
      ? 'nothing to delete'
      : `deleted ${expired.count} expired file(s) and ${deleted.count} old report(s) beyond the newest ${input.keepPerType} per type`;
  upsertMemo({ summary, expiredFiles: expired.count, deletedReports: deleted.count });
  return { summary, expired, deleted, idempotencyKeysForgotten };
}
