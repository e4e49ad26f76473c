import type pg from 'pg';

/**
 * Runs `work` in one transaction as an attacker with database superuser rights would:
 * `session_replication_role = replica` silences the append-only triggers for this
 * transaction only (SET LOCAL), so the connection goes back to the pool clean.
 */
export const asSuperuser = async <T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    const result = await work(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
};
