import pg from 'pg';

const withAdmin = async <T>(connectionString: string, fn: (client: pg.Client, name: string) => Promise<T>): Promise<T> => {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client, name);
  } finally {
    await client.end();
  }
};

/** Creates the database named in the URL when it does not exist (needs CREATEDB). */
export const ensureDatabase = (connectionString: string): Promise<void> =>
  withAdmin(connectionString, async (client, name) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  });

export const createDatabase = (connectionString: string, template?: string): Promise<void> =>
  withAdmin(connectionString, async (client, name) => {
    const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${from}`);
  });

export const dropDatabase = (connectionString: string): Promise<void> =>
  withAdmin(connectionString, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  });

/** Ends every other session on the database (a template must have none to be copied). */
export const disconnectAll = (connectionString: string): Promise<void> =>
  withAdmin(connectionString, async (client, name) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  });
