// `npm run migrate`: apply pending migrations to DATABASE_URL (what the API and `npm start` do at start).
import { loadConfig } from '../config';
import { connect } from './connection';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.error('Set DATABASE_URL to the database to migrate (npm start migrates its embedded database by itself).');
    process.exit(2);
  }
  const sql = connect(config.databaseUrl, { max: 1 });
  try {
    const applied = await migrate(sql, (m) => console.log(m));
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the schema is current');
  } finally {
    await sql.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
