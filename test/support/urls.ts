import { inject } from 'vitest';

/**
 * Tests use the servers named by DATABASE_URL and REDIS_URL (the service's own variables,
 * defaults as in .env.example), never their databases or keys: every test file creates a
 * database of its own (copied from this run's migrated template) and a queue prefix of
 * its own, so runs and files never share state.
 */
const PG_SERVER = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379/0';

export const testDbUrl = (name: string): string => {
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  return url.toString();
};

/** The migrated template database of this run (made by global-setup.ts). */
export const templateDb = (): string => inject('templateDb');

/** A port nothing listens on, to stand in for a service that is down. */
export const DEAD_PORT = 1;
