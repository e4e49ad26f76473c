import type { TLogger } from './logger.ts';

/**
 * On SIGTERM/SIGINT runs the steps in order (stop taking work, finish it, close
 * connections) under a hard deadline: BullMQ's worker.close() has no timeout of its own.
 */
export const onShutdown = (logger: TLogger, steps: (() => Promise<unknown>)[], deadlineMs = 20_000): void => {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        logger.warn({ err }, 'shutdown step failed');
      }
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
};
