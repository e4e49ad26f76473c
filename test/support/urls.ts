export const PG_BASE = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
export const TEMPLATE_DB = 'pn_test_template';

export const testDbUrl = (name: string): string => {
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  return url.toString();
};

/** A port nothing listens on, to stand in for a service that is down. */
export const DEAD_PORT = 1;
