import type { TLogger } from './logger.ts';

/**
 * A promise nobody awaited rejected, or an exception escaped every handler: the process
 * may hold half-done state, so it logs the error with its stack and exits for its
 * supervisor (systemd, Docker, Kubernetes) to start a clean one. Nothing is lost by
 * exiting: work is in PostgreSQL and BullMQ, and every stage is idempotent.
 */
export const exitOnCrash = (logger: TLogger): void => {
  const die = (kind: string) => (err: unknown) => {
    logger.fatal({ err }, `${kind}; exiting for a clean restart`);
    process.exit(70);
  };
  process.on('unhandledRejection', die('unhandled promise rejection'));
  process.on('uncaughtException', die('uncaught exception'));
};
