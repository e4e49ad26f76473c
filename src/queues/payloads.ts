import { z } from 'zod';

/**
 * An outbox row names one entity for a stage. The relay packs the rows of one queue into
 * jobs of up to OUTBOX_JOB_BATCH ids, and a stage handles a job's ids in one statement,
 * so queue overhead is paid per batch, not per case.
 */
export const ZOutboxPayload = z.object({ id: z.uuid() });
export type TOutboxPayload = z.infer<typeof ZOutboxPayload>;

/** Payload of a stage job: the events (`dedup`) or cases (`owner`, `fine`) to handle. */
export const ZStageJob = z.object({
  ids: z.array(z.uuid()).min(1).max(5_000),
  /** How often this job has waited for an unavailable registry (owner stage). */
  waits: z.number().int().nonnegative().optional(),
});
export type TStageJob = z.infer<typeof ZStageJob>;
