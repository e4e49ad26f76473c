import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ZCalendarDate } from '../clock/index.ts';

/**
 * A known amending instrument whose rows are not (or not yet) in the fine tables: the
 * checked-in record of a legal change the service cannot apply yet, so cases it may
 * affect are shown to an officer instead of being assessed as if it did not exist.
 */
export const ZAmendmentFile = z
  .object({
    decree: z.string().min(1),
    amends: z.string().min(1),
    title: z.string().min(1),
    effectiveFrom: ZCalendarDate,
    /** Articles of `amends` reported touched; empty when unknown (then: every article). */
    articles: z.array(z.number().int().positive()),
    sourceNote: z.string().min(1),
  })
  .strict();

export type TAmendment = z.infer<typeof ZAmendmentFile>;

export const readAmendmentFile = (path: string): TAmendment => ZAmendmentFile.parse(JSON.parse(readFileSync(path, 'utf8')));
