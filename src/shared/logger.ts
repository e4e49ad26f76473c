import { pino, type DestinationStream, type Logger } from 'pino';

export type TLogger = Logger;

/**
 * One JSON logger per process, to standard output unless told otherwise (the admin CLI
 * logs to standard error, tests capture lines); secrets and signatures never reach it
 * (see redact).
 */
export const createLogger = (level: string, name: string, destination: DestinationStream = pino.destination(1)): TLogger =>
  pino(
    {
      name,
      level,
      redact: {
        paths: ['headers["x-signature"]', 'headers.authorization', 'headers.cookie', 'req.headers["x-signature"]', 'req.headers.authorization', 'req.headers.cookie', 'secret', '*.secret', 'password', '*.password'],
        censor: '[redacted]',
      },
    },
    destination,
  );
