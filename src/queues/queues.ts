import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUES, type TQueueName } from './names.ts';

export type TQueues = Record<TQueueName, Queue>;

export const createQueues = (connection: ConnectionOptions, prefix: string): TQueues =>
  Object.fromEntries(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection, prefix })])) as TQueues;
