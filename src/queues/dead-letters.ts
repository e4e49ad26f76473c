import type { TDb } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { AppError } from '../shared/app-error.ts';
import { STAGE_QUEUES, type TStageQueue } from './names.ts';
import { enqueueViaOutbox } from './outbox.ts';
import { ZStageJob } from './payloads.ts';

export const listDeadLetters = (db: TDb, opts: { includeRedriven?: boolean } = {}) =>
  db.failedJob.findMany({ where: opts.includeRedriven ? {} : { redrivenAt: null }, orderBy: { id: 'asc' } });

/**
 * Sends a dead letter's entities back through their stage, the way every hand-over goes:
 * outbox rows, written in the transaction that marks the letter re-driven and audits it.
 * Stages are idempotent, so a re-drive of work done meanwhile changes nothing.
 */
export const redriveDeadLetter = async (db: TDb, id: bigint, actor: string): Promise<string> =>
  db.$transaction(async (tx) => {
    const [letter] = await tx.$queryRaw<{ queue: string; payload: unknown; redriven_at: Date | null }[]>`
      SELECT queue, payload, redriven_at FROM failed_job WHERE id = ${id} FOR UPDATE`;
    if (!letter) throw new AppError('NOT_FOUND', `no dead letter ${id}`);
    if (letter.redriven_at) throw new AppError('CONFLICT', `dead letter ${id} was already re-driven at ${letter.redriven_at.toISOString()}`);
    const queue = letter.queue as TStageQueue;
    if (!STAGE_QUEUES.includes(queue)) throw new AppError('CONFLICT', `dead letter ${id} names unknown queue ${letter.queue}`);
    const payload = ZStageJob.safeParse(letter.payload);
    if (!payload.success) throw new AppError('CONFLICT', `dead letter ${id} carries no ids`);
    const n = await enqueueViaOutbox(tx, queue, payload.data.ids);
    const how = `${n} item(s) handed to ${queue} again`;
    await tx.failedJob.update({ where: { id }, data: { redrivenAt: new Date() } });
    await appendAudit(tx, { actor, entityType: 'failed_job', entityId: String(id), action: 'job.redrive', reason: how });
    return how;
  });
