import { pino, type Logger } from 'pino';

export type TLogger = Logger;

/** One JSON logger per process; secrets and signatures never reach it (see redact). */
export const createLogger = (level: string, name: string): TLogger =>
  pino({
    name,
    level,
    redact: { paths: ['req.headers["x-signature"]', 'req.headers.authorization', 'secret', '*.secret'], censor: '[redacted]' },
  });
