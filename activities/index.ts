// Every activity the worker offers, built from its dependencies (no globals, easy to test).
import type { Sql } from '../src/db/connection';
import type { ReportStorage } from '../src/storage/storage';
import { createCsvExportActivities } from './export-csv';
import { createRecordActivities } from './records';

export interface ActivityDeps {
  sql: Sql;
  storage: ReportStorage;
  /** Bytes of CSV per stored part: the unit of checkpointing. */
  partBytes?: number;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCsvExportActivities(deps),
    ...createRecordActivities(deps),
  };
}
