import { pino, type Logger } from 'pino';

export type TLogger = Logger;

/** One JSON logger per process; secrets and signatures never reach it (see redact). */
export const createLogger = (level: string, name: string, fd: 1 | 2 = 1): TLogger =>
  pino({
    name,
    level,
    redact: { paths: ['req.headers["x-signature"]', 'req.headers.authorization', 'secret', '*.secret'], censor: '[redacted]' },
  }, pino.destination(fd));
