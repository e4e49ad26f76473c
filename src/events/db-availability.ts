import { AppError } from '../shared/app-error.ts';

/** How long a camera should wait before retrying when PostgreSQL is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|timeout exceeded when trying to connect|Connection terminated|DatabaseNotReachable|the database system is (starting up|shutting down)|Can't reach database/i;

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

export const isDbUnreachable = (err: unknown): boolean => UNREACHABLE.test(describe(err));

/** Runs a database call; an unreachable database becomes a 503 the camera retries. */
export const guardDb = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof AppError) && isDbUnreachable(err)) {
      throw new AppError('DEPENDENCY_UNAVAILABLE', 'the event store is unavailable; retry later', {
        retryAfter: RETRY_AFTER_SECONDS,
        cause: err,
      });
    }
    throw err;
  }
};
