// A worker polling the reports task queue: the workflow bundle plus activities wired to real dependencies.
import path from 'node:path';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';

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
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(opts),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 8,
    // Long exports must get their cancellation through heartbeats promptly.
    shutdownGraceTime: '10 seconds',
  });
  return { worker, connection };
}

/** Bundles the workflow code once, e.g. for several test workers. */
export async function bundleWorkflows(): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
}

const quietLogger = {
  log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (msg: string) => console.error(msg),
};
