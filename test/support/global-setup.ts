import { applyMigrations } from '../../src/db/migrations.ts';
import { createDatabase, disconnectAll, dropDatabase } from '../../src/db/ensure-database.ts';
import { TEMPLATE_DB, testDbUrl } from './urls.ts';

/** Builds the template database once per run with the real migrations. */
export default async function setup(): Promise<void> {
  const url = testDbUrl(TEMPLATE_DB);
  await dropDatabase(url);
  await createDatabase(url);
  await applyMigrations(url);
  await disconnectAll(url);
}
