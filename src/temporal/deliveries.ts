// Starting a delivery's workflow from the façade (the test event; report announcements start theirs from the report's run).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { CompanyIdKey } from '../../workflows/definitions';
import { deliveryWorkflowId, type DeliveryWorkflowInput } from '../delivery/deliveries';
import type { ReportWorkflows } from './client';

export async function startDelivery(workflows: ReportWorkflows, input: DeliveryWorkflowInput, memo: Record<string, unknown>): Promise<void> {
  try {
    await workflows.client.workflow.start('deliveryWorkflow', {
      taskQueue: workflows.taskQueue,
      workflowId: deliveryWorkflowId(input.deliveryId),
      args: [input],
      memo,
      typedSearchAttributes: [{ key: CompanyIdKey, value: input.companyId }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
