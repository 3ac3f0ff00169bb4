// A worker polling the reports task queue: the workflow bundle plus activities wired to real dependencies.
import path from 'node:path';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { PdfBrowser } from '../pdf/browser';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');

export interface WorkerOptions extends ActivityDeps {
  address: string;
  namespace: string;
  taskQueue: string;
  /** A pre-built bundle (tests build one for all workers); otherwise the workflows are bundled now. */
  workflowBundle?: WorkflowBundleOption;
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createReportWorker(opts: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: opts.address });
  // One Chromium per worker, launched by the first PDF job and shared by the next ones.
  const pdfBrowser = opts.pdfBrowser ?? new PdfBrowser(opts.chromiumPath ?? 'chromium');
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    // Bundled here with a quiet logger: the SDK's own bundling prints webpack's whole module list.
    workflowBundle: opts.workflowBundle ?? (await bundleWorkflows()),
    activities: createActivities({ ...opts, pdfBrowser }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 8,
    // Long exports must get their cancellation through heartbeats promptly.
    shutdownGraceTime: '10 seconds',
  });
  // No Chromium may outlive its worker: whoever runs it (worker.ts, main.ts, the tests), the browser
  // closes when run() ends, after the shutdown grace time let PDF jobs finish or give up.
  const run = worker.run.bind(worker);
  worker.run = () => run().finally(() => pdfBrowser.shutdown());
  return { worker, connection };
}

/** Bundles the workflow code once, e.g. for several test workers. */
export async function bundleWorkflows(): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
}

const quietLogger = {
  log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (msg: string) => console.error(msg),
};
