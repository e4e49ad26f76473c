// Applies pending migrations to DATABASE_URL, creating the database if it is missing.
import { config } from '../src/config/index.ts';
import { ensureDatabase } from '../src/db/ensure-database.ts';
import { applyMigrations } from '../src/db/migrations.ts';

const url = config().DATABASE_URL;
await ensureDatabase(url);
const applied = await applyMigrations(url);
process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
