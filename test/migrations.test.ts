import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase } from '../src/db/ensure-database.ts';
import { applyMigrations, currentSchema, diffSchemas, latestSnapshot } from '../src/db/migrations.ts';
import { testDbUrl } from './support/urls.ts';

/** Tables, columns, constraints, indexes and enums of the public schema, as sorted lines. */
const describeCatalog = async (url: string): Promise<string[]> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows.map((r) => Object.values(r).join(' '));
    return [
      ...(await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default, '')
                   FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`)),
      ...(await q(`SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'`)),
      ...(await q(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`)),
      ...(await q(`SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t
                   JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`)),
    ].sort();
  } finally {
    await client.end();
  }
};

const fromMigrations = testDbUrl(`pn_mig_${randomBytes(4).toString('hex')}`);
const fromSchema = testDbUrl(`pn_sch_${randomBytes(4).toString('hex')}`);

beforeAll(async () => {
  await createDatabase(fromMigrations);
  await createDatabase(fromSchema);
});

afterAll(async () => {
  await dropDatabase(fromMigrations);
  await dropDatabase(fromSchema);
});

describe('schema.prisma and prisma/migrations', () => {
  it('agree: the newest migration was written from the current schema', async () => {
    const sql = await diffSchemas(fromSchema, latestSnapshot(), currentSchema());
    expect(sql, 'schema.prisma changed without a migration: run npm run db:migration -- <name>').toBe('');
  });

  it('agree: replaying the migrations builds the database the schema describes', async () => {
    expect((await applyMigrations(fromMigrations)).length).toBeGreaterThan(0);
    expect(await applyMigrations(fromMigrations)).toEqual([]);
    const client = new pg.Client({ connectionString: fromSchema });
    await client.connect();
    await client.query(await diffSchemas(fromSchema, undefined, currentSchema()));
    await client.end();
    expect(await describeCatalog(fromMigrations)).toEqual(await describeCatalog(fromSchema));
  });
});
