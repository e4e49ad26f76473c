import { unnestSql } from '../db/index.ts';
import { Prisma } from '../generated/prisma/client.ts';

/**
 * Records that notices were sent (the first channel confirmed, src/dispatch): the owner's
 * response period runs from `at` to `dueAt`. Only a notice not yet marked sent changes, so
 * a later channel or a repeated record leaves the first time; returns the ids that changed.
 */
export const noticesSentSql = (noticeIds: readonly string[], at: Date, dueAt: Date): Prisma.Sql => Prisma.sql`
  UPDATE notice n SET sent_at = ${at.toISOString()}::timestamptz, response_due_at = ${dueAt.toISOString()}::timestamptz, updated_at = now()
  FROM ${unnestSql([...new Set(noticeIds)], { id: ['uuid', (id) => id] }, 'i')}
  WHERE n.id = i.id AND n.sent_at IS NULL
  RETURNING n.id::text`;
