/**
 * The retention run's steps (workflows/retention.ts), each idempotent and safe to retry: a step that dies
 * half-way leaves only work the next attempt (or the next scheduled run) finishes. They heartbeat per
 * report, so a long backlog after an outage is not mistaken for a dead worker.
 */
import { Context } from '@temporalio/activity';
import type { Sql } from '../src/db/connection';
import {
  deleteFinishedReport,
  expireReport,
  findExpiredReports,
  findReportsBeyondKeep,
  forgetIdempotencyKeys,
  type RetainedReport,
} from '../src/lifecycle/retention';
import type { ReportStorage } from '../src/storage/storage';

/** What one step did: how many, and the first ones by id (the whole list could outgrow a history event). */
export interface RetentionStepResult {
  count: number;
  reports: RetainedReport[];
}

const LISTED = 100;
const BATCH = 200;

export function createRetentionActivities(deps: { sql: Sql; storage: ReportStorage }) {
  const { sql, storage } = deps;

  return {
    /** Deletes the files of READY reports whose link expired; their records stay, with `expired = true`. */
    async expireReportFiles(): Promise<RetentionStepResult> {
      const done = collector();
      for (;;) {
        const batch = await findExpiredReports(sql, BATCH);
        for (const report of batch) {
          if (await expireReport(sql, storage, report)) done.add(report);
          heartbeat(done.result.count);
        }
        if (batch.length < BATCH) return done.result;
      }
    },

    /** Deletes finished reports beyond each company's newest `keep` of a type: file, then record. */
    async pruneOldReports(keep: number): Promise<RetentionStepResult> {
      const done = collector();
      for (const report of await findReportsBeyondKeep(sql, keep)) {
        if (await deleteFinishedReport(sql, storage, report)) done.add(report);
        heartbeat(done.result.count);
      }
      return done.result;
    },

    /** Idempotency keys past their 24 h window. */
    async forgetIdempotencyKeys(): Promise<number> {
      return forgetIdempotencyKeys(sql);
    },
  };
}

function collector() {
  const result: RetentionStepResult = { count: 0, reports: [] };
  return {
    result,
    add(report: RetainedReport) {
      result.count += 1;
      if (result.reports.length < LISTED) result.reports.push({ id: report.id, companyId: report.companyId, type: report.type });
    },
  };
}

function heartbeat(count: number): void {
  Context.current().heartbeat({ count });
}
