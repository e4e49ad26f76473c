import type { Prisma } from '../generated/prisma/client.ts';
import { jobIds, QUEUES } from './names.ts';

/** Outbox rows that hand a case to its next stage, written in the transaction that moves it. */
export const nextStageRow = (stage: 'owner' | 'fine', caseId: string): Prisma.OutboxMessageCreateManyInput => ({
  queue: QUEUES[stage],
  jobId: jobIds[stage](caseId),
  payload: { caseId },
});
