// One run of a report schedule (started by its Temporal Schedule): make the report, waiting while the company
// is at its processing limit — never dropped. The report's own workflow then announces and delivers it.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ScheduledRunInput } from '../src/schedules/temporal-schedule';

type Activities = ReturnType<typeof createActivities>;

const { startScheduledRun } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function scheduledReportWorkflow(input: ScheduledRunInput): Promise<{ reportId: string | null; waits: number }> {
  for (let waits = 0; ; waits++) {
    const result = await startScheduledRun(input.scheduleId);
    if (result.outcome === 'started') return { reportId: result.reportId, waits };
    if (result.outcome !== 'waiting') return { reportId: null, waits };
    await sleep(result.retryInSeconds * 1000);
  }
}
