import type { Queue } from 'bullmq';
import type { TDb } from '../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import { JOB_OPTIONS } from './job-options.ts';
import type { TQueueName } from './names.ts';

export const listDeadLetters = (db: TDb, opts: { includeRedriven?: boolean } = {}) =>
  db.failedJob.findMany({ where: opts.includeRedriven ? {} : { redrivenAt: null }, orderBy: { id: 'asc' } });

export class DeadLetterError extends Error {}

/**
 * Sends a dead letter back through its stage: the failed job itself when Redis still
 * holds it, otherwise a fresh job with the same payload. Stages are idempotent, so a
 * re-drive of work that has meanwhile been done changes nothing.
 */
export const redriveDeadLetter = async (db: TDb, queues: Record<TQueueName, Queue>, id: bigint, actor: string): Promise<string> => {
  const letter = await db.failedJob.findUnique({ where: { id } });
  if (!letter) throw new DeadLetterError(`no dead letter ${id}`);
  if (letter.redrivenAt) throw new DeadLetterError(`dead letter ${id} was already re-driven at ${letter.redrivenAt.toISOString()}`);
  const queue = queues[letter.queue as TQueueName];
  if (!queue) throw new DeadLetterError(`dead letter ${id} names unknown queue ${letter.queue}`);
  const job = await queue.getJob(letter.jobId);
  let how: string;
  if (job && (await job.isFailed())) {
    await job.retry('failed');
    how = `job ${letter.jobId} retried`;
  } else {
    const jobId = `${letter.jobId}-redrive-${id}`;
    await queue.add(letter.queue, letter.payload, { ...JOB_OPTIONS[letter.queue as TQueueName], jobId });
    how = `job ${jobId} added`;
  }
  await db.$transaction(async (tx) => {
    await tx.failedJob.update({ where: { id }, data: { redrivenAt: new Date() } });
    await appendAudit(tx, { actor, entityType: 'failed_job', entityId: String(id), action: 'job.redrive', reason: how });
  });
  return how;
};
