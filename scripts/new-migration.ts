// Writes the next migration from schema.prisma: `npm run db:migration -- add_owner_table`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../src/config/index.ts';
import { ensureDatabase } from '../src/db/ensure-database.ts';
import { currentSchema, diffSchemas, latestSnapshot, MIGRATIONS_DIR, SNAPSHOT_FILE } from '../src/db/migrations.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  process.stderr.write('usage: npm run db:migration -- <name in snake_case>\n');
  process.exit(64);
}
const schema = currentSchema();
await ensureDatabase(config().DATABASE_URL);
const sql = await diffSchemas(config().DATABASE_URL, latestSnapshot(), schema);
if (!sql) {
  process.stdout.write('schema.prisma and the migrations agree: nothing to write.\n');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(MIGRATIONS_DIR, 'migration_lock.toml'), 'provider = "postgresql"\n');
writeFileSync(join(dir, 'migration.sql'), sql);
writeFileSync(join(dir, SNAPSHOT_FILE), schema);
process.stdout.write(`wrote ${join(dir, 'migration.sql')}\n`);
