export { createDb, DEFAULT_DB_TIMEOUTS, inTransaction, queryRows } from './client.ts';
export type { TDb, TDbTimeouts, TQuery, TTx } from './client.ts';
export { guardDb, isDbUnavailable, RETRY_AFTER_SECONDS } from './availability.ts';
export { unnestSql } from './unnest.ts';
export type { TColumn, TColumns } from './unnest.ts';
