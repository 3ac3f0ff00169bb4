// `npm run record-histories`: records one real history of each workflow type (report success, failure,
// cancellation, retention run) on the test services and rewrites test/replay/fixtures/histories/*.json.
// Run it only when a workflow change is intended (docs/operations.md, "Replay"), then commit the files.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/replay/record.config.ts'], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
