// Run before `npm start` and `npm test`: makes sure the Go dev tools exist (building them once if needed).
import { findTool, type ToolName } from '../dev/tools';

async function main(): Promise<void> {
  const names: ToolName[] = ['temporal', 'fake-gcs-server', 'mailpit'];
  // One after the other: two first-time builds in parallel would only compete for the same CPUs.
  for (const name of names) {
    console.log(`${name}: ${await findTool(name)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
