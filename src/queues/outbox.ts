import { Prisma } from '../generated/prisma/client.ts';
import type { TTx } from '../db/index.ts';
import type { TStageQueue } from './names.ts';

/**
 * The one writer of `outbox_message`: hands each entity whose id is in the CTE `from`
 * (column `id`, optionally filtered by `where`) to a stage queue. Use it as a CTE of the
 * statement that moved the entities, so the move and the hand-over commit together; the
 * relay moves the rows into BullMQ afterwards.
 */
export const outboxSql = (queue: TStageQueue, from: string, where: Prisma.Sql = Prisma.empty): Prisma.Sql => Prisma.sql`
  INSERT INTO outbox_message (queue, entity_id)
  SELECT ${queue}, o.id FROM ${Prisma.raw(from)} o ${where}
  RETURNING entity_id`;

/** Hands entities to a stage queue on their own (re-drives); returns how many rows were written. */
export const enqueueViaOutbox = (tx: TTx, queue: TStageQueue, entityIds: readonly string[]): Promise<number> =>
  entityIds.length === 0
    ? Promise.resolve(0)
    : tx.$executeRaw`WITH ids AS (SELECT DISTINCT unnest(${entityIds}::uuid[]) AS id) ${outboxSql(queue, 'ids')}`;
