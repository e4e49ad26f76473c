import { z } from 'zod';

/** Payload of a `dedup` job: the stored camera event to merge or open a case for. */
export const ZDedupJob = z.object({ eventId: z.uuid() });
export type TDedupJob = z.infer<typeof ZDedupJob>;
