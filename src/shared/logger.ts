import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type TLogger = Logger;

/** One JSON logger per process; secrets and signatures never reach it (see redact). */
export const createLogger = (level: string, name: string, destination?: DestinationStream): TLogger => {
  const options: LoggerOptions = {
    name,
    level,
    redact: {
      paths: ['headers["x-signature"]', 'headers.authorization', 'req.headers["x-signature"]', 'req.headers.authorization', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
};
