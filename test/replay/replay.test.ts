// Replays the committed histories of every workflow type against the current workflow code: a change that
// would break running workflows (non-determinism) fails here. Refresh them with `npm run record-histories`
// only when the change is intended, guarded with `patched()` (docs/operations.md, "Replay").
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromObject } from '../../src/temporal/history';
import { bundleWorkflows } from '../../src/temporal/worker';

const DIR = path.join(__dirname, 'fixtures/histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('replaying recorded histories', () => {
  let bundle: { code: string };
  beforeAll(async () => {
    bundle = await bundleWorkflows();
  }, 120_000);

  it('has one history of each workflow type and outcome', () => {
    expect(files).toEqual([
      'delivery-retried.json', 'report-announced.json', 'report-cancelled.json', 'report-failure.json', 'report-success.json',
      'report-xlsx-success.json', 'retention.json', 'scheduled-run.json',
    ]);
  });

  it.each(files)('when %s is replayed against the current code, then it is deterministic', async (file) => {
    const { workflowId, history } = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as { workflowId: string; history: unknown };
    const results = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: bundle, replayName: `replay-${file}` },
      [{ workflowId, history: historyFromObject(history) }],
    )) results.push(result);
    expect(results).toHaveLength(1);
    expect(results[0].error?.message).toBeUndefined();
  });

  it('when a history is tampered with (another activity than the code schedules), then the replay fails with a determinism error', async () => {
    // The negative control: proves the check above can fail.
    const { workflowId, history } = JSON.parse(readFileSync(path.join(DIR, 'report-success.json'), 'utf8')) as {
      workflowId: string; history: { events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[] };
    };
    const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes)!.activityTaskScheduledEventAttributes!;
    expect(scheduled.activityType.name).toBe('exportCsvReport');
    scheduled.activityType.name = 'renderPdfReport';
    const results = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: bundle, replayName: 'replay-tampered' },
      [{ workflowId, history: historyFromObject(history) }],
    )) results.push(result);
    expect(results).toHaveLength(1);
    expect(results[0].error?.name).toBe('DeterminismViolationError');
  });
});
