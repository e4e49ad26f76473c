import type { Queue } from 'bullmq';
import type { TDb } from '../src/db/client.ts';
import { OutboxRelay, type TQueueName } from '../src/queues/index.ts';
import type { TLogger } from '../src/shared/logger.ts';

/** The outbox relay stage: database rows → BullMQ jobs. */
export const createOutboxRelay = (deps: {
  db: TDb;
  queues: Record<TQueueName, Queue>;
  logger: TLogger;
  batchSize: number;
  pollMs: number;
  jobBatch: number;
}): OutboxRelay => new OutboxRelay(deps);
