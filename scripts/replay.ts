// `npm run replay -- <workflowId> [runId]`: fetches the workflow's history from the configured Temporal
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) and replays it against the current workflow code. Prints whether
// the code is deterministic for that history or where it diverges; exits 1 on divergence.
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { fetchHistoryObject, historyFromObject } from '../src/temporal/history';
import { bundleWorkflows } from '../src/temporal/worker';

async function main(): Promise<number> {
  const [workflowId, runId] = process.argv.slice(2);
  if (!workflowId) {
    console.error('usage: npm run replay -- <workflowId> [runId]');
    return 2;
  }
  const config = loadConfig();
  if (!config.temporal.address) {
    console.error('TEMPORAL_ADDRESS is not set: replay needs the Temporal server that ran the workflow');
    return 2;
  }
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const history = historyFromObject(await fetchHistoryObject(client, workflowId, runId));
    const bundle = await bundleWorkflows();
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: bundle, replayName: 'replay-cli' },
      [{ workflowId, history }],
    )) {
      if (result.error) {
        console.log(`NOT deterministic: ${workflowId} (${history.events.length} events) diverges from the current code`);
        console.log(result.error.message);
        return 1;
      }
    }
    console.log(`deterministic: ${workflowId} (${history.events.length} events) replays against the current code`);
    return 0;
  } finally {
    await connection.close();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
