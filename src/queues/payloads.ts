import { z } from 'zod';

/**
 * Payload of a stage job: the events (`dedup`) or cases (`owner`, `fine`) to handle. The
 * relay packs the outbox rows of one queue into jobs of up to OUTBOX_JOB_BATCH ids, and
 * a stage handles a job's ids set-based, so queue overhead is paid per batch.
 */
export const ZStageJob = z.object({
  ids: z.array(z.uuid()).min(1).max(5_000),
  /** How often this job has waited for an unavailable dependency. */
  waits: z.number().int().nonnegative().optional(),
});
export type TStageJob = z.infer<typeof ZStageJob>;
