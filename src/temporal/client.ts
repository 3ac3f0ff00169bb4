// The façade's handle on Temporal: start, query and cancel report workflows.
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { reportWorkflow } from '../../workflows/report';
import {
  CompanyIdKey,
  ReportStatusKey,
  ReportTypeKey,
  reportWorkflowId,
  statusQuery,
  type ReportState,
  type ReportWorkflowInput,
} from '../../workflows/definitions';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
}

export class ReportWorkflows {
  private constructor(
    readonly client: Client,
    private readonly connection: Connection,
    readonly taskQueue: string,
  ) {}

  static async connect(settings: TemporalSettings): Promise<ReportWorkflows> {
    const connection = await Connection.connect({ address: settings.address });
    const client = new Client({ connection, namespace: settings.namespace });
    return new ReportWorkflows(client, connection, settings.taskQueue);
  }

  async start(input: ReportWorkflowInput, memo: Record<string, unknown>): Promise<string> {
    const workflowId = reportWorkflowId(input.reportId);
    await this.client.workflow.start(reportWorkflow, {
      taskQueue: this.taskQueue,
      workflowId,
      args: [input],
      memo,
      typedSearchAttributes: [
        { key: ReportTypeKey, value: input.type },
        { key: CompanyIdKey, value: input.companyId },
        { key: ReportStatusKey, value: 'PROCESSING' },
      ],
    });
    return workflowId;
  }

  /** The workflow's own view of the report, or null when Temporal no longer has the run. */
  async state(workflowId: string): Promise<ReportState | null> {
    try {
      return await this.client.workflow.getHandle(workflowId).query(statusQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  async cancel(workflowId: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(workflowId).cancel();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }

  /** Reachable: the namespace answers. Used by /healthz. */
  async healthy(): Promise<boolean> {
    try {
      await this.connection.healthService.check({});
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
