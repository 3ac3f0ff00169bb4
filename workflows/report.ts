// One workflow per report: run the export activity, then record READY or ERROR. No rows pass through here.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { deliveryWorkflowId } from '../src/delivery/deliveries';
import type { createActivities } from '../activities';
import {
  CompanyIdKey,
  DEFAULT_USER_MESSAGE,
  heavyTaskQueue,
  ReportStatusKey,
  USER_MESSAGES,
  progressSignal,
  statusQuery,
  type ReportState,
  type ReportWorkflowInput,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

const EXPORT_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  // A live export heartbeats at least every few seconds; silence means its worker died.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
  // On cancellation, wait until the activity has stopped writing before the run removes its files (the
  // SDK's effective default is TRY_CANCEL, which would let the cleanup race the last parts).
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/**
 * The export and its workbook run on the workflow's own task queue, or on `<taskQueue>-heavy` when the
 * request was judged heavy (src/reports/lanes.ts), where workers give them a budget of slots and database
 * connections of their own. The decision is in the input: histories recorded before it (no `heavy`) take the
 * same commands as then, so no patch marker is needed.
 */
function exportActivities(input: ReportWorkflowInput) {
  return proxyActivities<Activities>(input.heavy ? { ...EXPORT_OPTIONS, taskQueue: heavyTaskQueue(workflowInfo().taskQueue) } : EXPORT_OPTIONS);
}

// A PDF is printed whole in one attempt (no checkpoint); it heartbeats every few seconds while Chromium works.
const { renderPdfReport } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

const records = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

export async function reportWorkflow(input: ReportWorkflowInput): Promise<ReportState> {
  let state: ReportState = { status: 'PROCESSING', progress: { rows: 0, totalRows: null, percent: null }, error: null };
  setHandler(statusQuery, () => state);
  setHandler(progressSignal, (progress) => {
    if (state.status === 'PROCESSING') state = { ...state, progress };
  });

  const { exportCsvReport, convertCsvToXlsx } = exportActivities(input);
  try {
    const file = input.format === 'pdf' ? await renderPdfReport(input.reportId) : await exportCsvReport(input.reportId);
    // A workbook is made from the CSV just stored. No recorded history has format xlsx, so their replay
    // takes the same steps as before: no patch marker is needed (docs/xlsx.md).
    const result = input.format === 'xlsx' ? await convertCsvToXlsx(input.reportId, file) : file;
    // A record deleted while the file was being finished (the DELETE raced the last step): clean up, and end
    // like any other deleted report. Histories recorded before this answer was boolean read it as undefined.
    if ((await records.markReportReady(input.reportId, result)) === false) {
      throw new CancelledFailure('the report was deleted while its file was being finished');
    }
    state = { status: 'READY', progress: { rows: result.rowCount, totalRows: result.rowCount, percent: 100 }, error: null };
    upsertSearchAttributes([{ key: ReportStatusKey, value: 'READY' }]);
    await announce(input);
    return state;
  } catch (err) {
    if (isCancellation(err) || CancellationScope.current().consideredCancelled) {
      // The report was deleted while running (DELETE cancels the run, and the activity, which waits until
      // the activity has stopped): remove what it wrote, even though we are cancelled.
      await CancellationScope.nonCancellable(() => records.discardReportFiles(input.reportId, input.companyId));
      upsertSearchAttributes([{ key: ReportStatusKey, value: 'CANCELLED' }]);
      throw isCancellation(err) ? err : new CancelledFailure('the report was deleted while it was being generated');
    }
    const message = userMessage(err);
    await records.markReportFailed(input.reportId, message);
    state = { ...state, status: 'ERROR', error: { message } };
    upsertSearchAttributes([{ key: ReportStatusKey, value: 'ERROR' }]);
    await announce(input);
    // Fail the run too, so the Temporal UI shows it red with the technical cause attached.
    throw ApplicationFailure.create({ type: 'ReportFailed', message, nonRetryable: true, cause: err as Error });
  }
}

/**
 * Tells the company's webhook endpoints (and, for a scheduled run, its recipients) that the report ended:
 * one delivery workflow per message, abandoned to run on its own (retries last up to a day). Runs recorded
 * before deliveries existed replay without this step.
 */
async function announce(input: ReportWorkflowInput): Promise<void> {
  if (!patched('announce-report-end')) return;
  for (const delivery of await records.planReportDeliveries(input.reportId)) {
    await startChild('deliveryWorkflow', {
      workflowId: deliveryWorkflowId(delivery.deliveryId),
      args: [delivery],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [{ key: CompanyIdKey, value: input.companyId }],
      memo: { channel: delivery.channel, reportId: input.reportId },
    });
  }
}

function userMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const messages: Partial<Record<string, string>> = USER_MESSAGES;
  if (cause instanceof ApplicationFailure && cause.type) return messages[cause.type] ?? DEFAULT_USER_MESSAGE;
  return DEFAULT_USER_MESSAGE;
}
