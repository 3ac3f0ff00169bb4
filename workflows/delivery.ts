// One workflow per delivery (a webhook message or a mail): attempt, wait, attempt again, until it is
// delivered or the waits run out. The waits are durable timers: a worker restart loses no delivery.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DeliveryWorkflowInput } from '../src/delivery/deliveries';

type Activities = ReturnType<typeof createActivities>;

// An attempt handles the receiver's failures itself (they are recorded, then waited on here); the
// activity's own retries cover only our side failing (database, worker), and it never re-sends a
// delivered message.
const { attemptWebhookDelivery, attemptEmailDelivery, failDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface DeliveryOutcome {
  delivered: boolean;
  attempts: number;
}

export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryOutcome> {
  for (let attempt = 1; ; attempt++) {
    const { done } = input.channel === 'email' ? await attemptEmailDelivery(input.deliveryId) : await attemptWebhookDelivery(input.deliveryId);
    if (done) return { delivered: true, attempts: attempt };
    const wait = input.retryDelaysSeconds[attempt - 1];
    if (wait === undefined) {
      await failDelivery(input.deliveryId);
      return { delivered: false, attempts: attempt };
    }
    await sleep(wait * 1000);
  }
}
