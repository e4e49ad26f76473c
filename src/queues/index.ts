export { createRedis } from './connection.ts';
export { JOB_OPTIONS } from './job-options.ts';
export { jobIds, QUEUES } from './names.ts';
export type { TQueueName } from './names.ts';
export { OutboxRelay } from './outbox-relay.ts';
export type { TOutboxRelayDeps } from './outbox-relay.ts';
export { ZDedupJob } from './payloads.ts';
export type { TDedupJob } from './payloads.ts';
export { createQueues } from './queues.ts';
