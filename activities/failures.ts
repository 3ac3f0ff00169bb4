// How activities fail a report: one named type per cause (the user's message is keyed by it, see
// workflows/definitions.ts), and one rule for storage, whose errors always may pass.
import { ApplicationFailure } from '@temporalio/activity';
import type { ReportFailureType } from '../workflows/definitions';

/** Will fail the same way on every attempt: the report ends in ERROR at once. */
export function permanentFailure(type: ReportFailureType, message: string, cause?: Error): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, cause });
}

/** May pass (a connection, a restart): Temporal retries the activity. */
export function passingFailure(type: ReportFailureType, message: string): ApplicationFailure {
  return ApplicationFailure.retryable(message, type);
}

/** Storage errors are retried by Temporal; if retries run out, the user reads StorageFailed's message. */
export async function storeOrRetry<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw passingFailure('StorageFailed', `storage: ${(err as Error).message}`);
  }
}
