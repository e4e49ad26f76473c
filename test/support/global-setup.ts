import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/db/migrations.ts';
import { createDatabase, disconnectAll, dropDatabase } from '../../src/db/ensure-database.ts';
import { testDbUrl } from './urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

/**
 * Builds this run's template database once with the real migrations. Its name is unique
 * to the run, so two runs on one server (two checkouts, CI beside a developer) never
 * drop each other's template.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `pn_tpl_${randomBytes(5).toString('hex')}`;
  const url = testDbUrl(name);
  await createDatabase(url);
  await applyMigrations(url);
  await disconnectAll(url);
  project.provide('templateDb', name);
  return () => dropDatabase(url);
}
