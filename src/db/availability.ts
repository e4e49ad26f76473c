import { AppError } from '../shared/app-error.ts';

/** How long a client should wait before retrying when PostgreSQL cannot answer. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Errors that mean "the database cannot answer now" rather than "this request is wrong":
 * refused or dropped connections, a pool that found no connection in time, a server
 * starting or stopping, and the client- and server-side time limits of src/db/client.ts.
 */
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|timeout exceeded when trying to connect|Connection terminated|DatabaseNotReachable|the database system is (starting up|shutting down)|Can't reach database|Query read timeout|canceling statement due to statement timeout|Unable to start a transaction in the given time|Transaction already closed/i;

const describe = (err: unknown): string => {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const e = cur as { code?: unknown; message?: unknown; cause?: unknown; meta?: unknown };
    parts.push(String(e.code ?? ''), String(e.message ?? ''), JSON.stringify(e.meta ?? ''));
    cur = e.cause;
  }
  return parts.join(' ');
};

export const isDbUnavailable = (err: unknown): boolean => UNAVAILABLE.test(describe(err));

/** Runs a database call; a database that cannot answer becomes a 503 the client retries. */
export const guardDb = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof AppError) && isDbUnavailable(err)) {
      throw new AppError('DEPENDENCY_UNAVAILABLE', 'the database is unavailable; retry later', {
        retryAfter: RETRY_AFTER_SECONDS,
        cause: err,
      });
    }
    throw err;
  }
};
