import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUES, type TQueueName } from './names.ts';

export const createQueues = (connection: ConnectionOptions, prefix: string): Record<TQueueName, Queue> =>
  Object.fromEntries(
    Object.values(QUEUES).map((name) => [name, new Queue(name, { connection, prefix })]),
  ) as Record<TQueueName, Queue>;
