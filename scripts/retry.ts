// `npm run retry -- <reportId>`: re-runs a failed report with the same filters as a new report (new id, new
// workflow; its memo has `retryOf: <reportId>`). Needs DATABASE_URL and TEMPORAL_ADDRESS like start:api.
import { loadConfig } from '../src/config';
import { connect } from '../src/db/connection';
import { createLogger } from '../src/log';
import { retryReport } from '../src/ops/retry-report';
import { createStorage } from '../src/storage';
import { ReportWorkflows } from '../src/temporal/client';

async function main(): Promise<number> {
  const reportId = process.argv[2];
  if (!reportId) {
    console.error('usage: npm run retry -- <reportId>');
    return 2;
  }
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporal.address) {
    console.error('retry needs DATABASE_URL and TEMPORAL_ADDRESS (the deployment the report ran on)');
    return 2;
  }
  const log = createLogger(config.logLevel, { service: 'reports-retry' });
  const sql = connect(config.databaseUrl);
  const workflows = await ReportWorkflows.connect({ ...config.temporal, address: config.temporal.address });
  try {
    const storage = createStorage(config.storage, { publicUrl: config.publicUrl, secret: config.linkSigningKey });
    const retried = await retryReport(
      { sql, workflows, storage, log: log.info, maxProcessingPerCompany: config.maxProcessingPerCompany, heavyReportDays: config.heavyReportDays }, reportId);
    console.log(JSON.stringify(retried));
    return 0;
  } finally {
    await workflows.close();
    await sql.end();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
