import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUES, type TStageQueue } from './names.ts';

export type TQueues = Record<TStageQueue, Queue>;

export const createQueues = (connection: ConnectionOptions, prefix: string): TQueues =>
  Object.fromEntries(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection, prefix })])) as TQueues;
