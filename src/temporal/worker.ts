// A worker polling the reports task queue (the workflow bundle plus activities wired to real dependencies)
// and, in the same process, its heavy task queue (heavy exports only, with budgets of their own).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import type { Sql } from '../db/connection';
import { heavyTaskQueue } from '../../workflows/definitions';
import { PdfBrowser } from '../pdf/browser';
import { ReportWorkflows } from './client';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');

const execFileAsync = promisify(execFile);

export interface WorkerOptions extends ActivityDeps {
  address: string;
  namespace: string;
  taskQueue: string;
  /** A pre-built bundle (tests build one for all workers); otherwise the workflows are bundled now. */
  workflowBundle?: WorkflowBundleOption;
  /** Activities at once on the task queue (WORKER_ACTIVITY_SLOTS): small reports, records, deliveries. */
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * The heavy task queue's budget (WORKER_HEAVY_SLOTS, WORKER_HEAVY_DB_POOL): exports at once, and the pool
   * they query through (the caller's `sql` when absent, as in tests that need no separate pool).
   */
  heavy?: { maxConcurrentActivityTaskExecutions?: number; sql?: Sql };
  /**
   * WORKER_TASK_QUEUES: `all` (default) polls both queues; `main` or `heavy` only one, for deployments that
   * run heavy exports in processes of their own (their JavaScript then never delays a small report's steps).
   */
  queues?: WorkerQueues;
}

export type WorkerQueues = 'all' | 'main' | 'heavy';

/** The activities the heavy queue offers: the export and the workbook made from it (workflows/report.ts). */
const HEAVY_ACTIVITIES = ['exportCsvReport', 'convertCsvToXlsx'] as const;

export async function createReportWorker(opts: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const queues = opts.queues ?? 'all';
  const connection = await NativeConnection.connect({ address: opts.address });
  // One Chromium per worker, launched by the first PDF job and shared by the next ones.
  const pdfBrowser = opts.pdfBrowser ?? new PdfBrowser(opts.chromiumPath ?? 'chromium');
  // Scheduled runs create ordinary reports, whose workflows they start through a client of their own.
  const workflows = opts.workflows ?? (await ReportWorkflows.connect({ address: opts.address, namespace: opts.namespace, taskQueue: opts.taskQueue }));
  // Exports stop at their next stored part once the worker is asked to stop (SIGTERM), rather than run on
  // through the grace time: their retry resumes from that part on another worker at once.
  const workers: Worker[] = [];
  const workerStopping = () => workers.some((w) => !['INITIALIZED', 'RUNNING'].includes(w.getState()));
  if (queues !== 'heavy') {
    workers.push(await Worker.create({
      connection,
      namespace: opts.namespace,
      taskQueue: opts.taskQueue,
      // Bundled now (in a child process, see bundleWorkflows) unless the caller has a bundle already.
      workflowBundle: opts.workflowBundle ?? (await bundleWorkflows()),
      activities: createActivities({ ...opts, pdfBrowser, workerStopping, workflows }),
      maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 8,
      // Long exports must get their cancellation through heartbeats promptly.
      shutdownGraceTime: '10 seconds',
      // A cancellation (DELETE of a processing report) reaches an activity in the answer to its next
      // heartbeat; by default heartbeats are sent at most every 0.8 × heartbeatTimeout (24 s for exports).
      maxHeartbeatThrottleInterval: '2 seconds',
    }));
  }
  if (queues !== 'main') {
    // Heavy exports on a queue of their own: at most `heavy.maxConcurrentActivityTaskExecutions` at once, on
    // their own pool, so however many are waiting, small reports find free slots and connections on the main
    // queue. Same connection, same shutdown: the process stops both at once.
    const all = createActivities({ ...opts, sql: opts.heavy?.sql ?? opts.sql, pdfBrowser, workerStopping, workflows });
    workers.push(await Worker.create({
      connection,
      namespace: opts.namespace,
      taskQueue: heavyTaskQueue(opts.taskQueue),
      activities: Object.fromEntries(HEAVY_ACTIVITIES.map((name) => [name, all[name]])),
      maxConcurrentActivityTaskExecutions: opts.heavy?.maxConcurrentActivityTaskExecutions ?? 2,
      shutdownGraceTime: '10 seconds',
      maxHeartbeatThrottleInterval: '2 seconds',
    }));
  }
  // No Chromium may outlive its worker: whoever runs it (worker.ts, main.ts, the tests), the browser
  // closes when run() ends, after the shutdown grace time let PDF jobs finish or give up. run() and
  // shutdown() of the returned worker drive every queue's worker of the process.
  const worker = workers[0];
  const runs = workers.map((w) => w.run.bind(w));
  const shutdowns = workers.map((w) => w.shutdown.bind(w));
  worker.shutdown = () => workers.forEach((w, i) => w.getState() === 'RUNNING' && shutdowns[i]());
  worker.run = async () => {
    // One queue's worker failing stops the other: a process polls all of its queues or none.
    const results = await Promise.allSettled(runs.map((run) => run().catch((err: unknown) => {
      worker.shutdown();
      throw err;
    })));
    await Promise.all([pdfBrowser.shutdown(), opts.workflows ? undefined : workflows.close()]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  return { worker, connection };
}

/**
 * Bundles the workflow code once, e.g. for several test workers. Webpack runs in a child process: in the
 * worker's own process it left ~95 MB in its resident memory for good (docs/performance.md). The child is
 * plain Node (webpack compiles the TypeScript itself), with a quiet logger: the SDK's own bundling prints
 * webpack's whole module list.
 */
export async function bundleWorkflows(): Promise<{ code: string }> {
  const script = `
    const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m) => console.error(m) };
    require(${JSON.stringify(require.resolve('@temporalio/worker'))})
      .bundleWorkflowCode({ workflowsPath: ${JSON.stringify(WORKFLOWS_PATH)}, logger: quiet })
      .then((b) => process.stdout.write(b.code), (err) => { console.error(err); process.exit(1); });`;
  const { stdout } = await execFileAsync(process.execPath, ['-e', script], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  if (!stdout) throw new Error('bundling the workflows produced no code');
  return { code: stdout };
}
