// Workflow histories as JSON files (test/replay/fixtures/histories/) and back. The SDK's historyToJSON fails
// with the protobufjs versions installed here ("type must be a Type"), so the files hold protobufjs's own
// plain-object form: camelCase fields, enum names, 64-bit numbers as strings, payload bytes in base64.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.History;
const HistoryType = temporal.api.history.v1.History;

export async function fetchHistoryObject(client: Client, workflowId: string, runId?: string): Promise<Record<string, unknown>> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return historyToObject(history as History);
}

export function historyToObject(history: History): Record<string, unknown> {
  return HistoryType.toObject(HistoryType.fromObject(history), { longs: String, enums: String, bytes: String });
}

export function historyFromObject(obj: unknown): History {
  return HistoryType.fromObject(obj as Record<string, unknown>);
}
