import { z } from 'zod';

/** Payload of a `dedup` job: the stored camera event to merge or open a case for. */
export const ZDedupJob = z.object({ eventId: z.uuid() });
export type TDedupJob = z.infer<typeof ZDedupJob>;

/** Payload of an `owner` or `fine` job. `waits` counts waits for an unavailable registry. */
export const ZCaseJob = z.object({ caseId: z.uuid(), waits: z.number().int().nonnegative().optional() });
export type TCaseJob = z.infer<typeof ZCaseJob>;
