// The workflow bundle's entry: every workflow type the worker runs.
export { reportWorkflow } from './report';
export { retentionWorkflow } from './retention';
export { deliveryWorkflow } from './delivery';
export { scheduledReportWorkflow } from './scheduled-report';
