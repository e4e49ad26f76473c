import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { openSchemaEngine } from './schema-engine.ts';

export const PRISMA_DIR = resolve(import.meta.dirname, '../../prisma');
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');
/** Each migration folder keeps the schema it brings the database to, beside migration.sql. */
export const SNAPSHOT_FILE = 'schema.prisma';

const NO_FILTER = { externalTables: [], externalEnums: [] };

const migrationNames = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];

/** The migrations folder in the shape the schema engine reads it. */
export const readMigrations = (dir = MIGRATIONS_DIR): MigrationList => {
  const lockPath = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: migrationNames(dir).map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
};

/** The schema as of the newest migration, or undefined when there is none. */
export const latestSnapshot = (dir = MIGRATIONS_DIR): string | undefined => {
  const last = migrationNames(dir).at(-1);
  return last ? readFileSync(join(dir, last, SNAPSHOT_FILE), 'utf8') : undefined;
};

/** Applies pending migrations; returns the names applied now (none when up to date). */
export const applyMigrations = async (connectionString: string): Promise<string[]> => {
  const engine = await openSchemaEngine(connectionString, SCHEMA_PATH);
  try {
    const out = await engine.applyMigrations({ migrationsList: readMigrations(), filters: NO_FILTER });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
};

/**
 * SQL that turns a database shaped by `from` (a schema text, or nothing) into one shaped
 * by `to`. Both sides are datamodels, so no database is introspected: the wasm engine's
 * introspection over adapter-pg cannot read pg's internal `char` columns.
 */
export const diffSchemas = async (connectionString: string, from: string | undefined, to: string): Promise<string> => {
  const engine = await openSchemaEngine(connectionString, SCHEMA_PATH);
  try {
    const out = await engine.diff({
      from: from === undefined ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'from.prisma', content: from }] },
      to: { tag: 'schemaDatamodel', files: [{ path: 'to.prisma', content: to }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    const sql = out.stdout ?? '';
    return /^\s*(--[^\n]*\n?\s*)*$/.test(sql) ? '' : sql;
  } finally {
    engine.free();
  }
};

export const currentSchema = (): string => readFileSync(SCHEMA_PATH, 'utf8');
