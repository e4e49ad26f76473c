import { z } from 'zod';
import { Violation } from '../generated/prisma/enums.ts';
import { REJECT_REASONS } from './rules.ts';

const ZNote = z.string().trim().min(1).max(1000);

/** The body of POST /v1/cases/:id/decision. */
export const ZDecision = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('APPROVE'),
      /** VND; defaults to the proposed amount. Another amount needs `reason`. */
      amount: z.number().int().positive().optional(),
      reason: ZNote.optional(),
    }),
    z.strictObject({ decision: z.literal('REJECT'), reason: z.enum(REJECT_REASONS), note: ZNote.optional() }),
    z.strictObject({ decision: z.literal('CORRECT_PLATE'), plate: z.string().trim().min(4).max(20) }),
    z.strictObject({ decision: z.literal('CHANGE_ACT'), violation: z.enum(Violation), note: ZNote.optional() }),
    z.strictObject({ decision: z.literal('ESCALATE'), note: ZNote }),
  ])
  .refine((d) => d.decision !== 'REJECT' || d.reason !== 'OTHER' || d.note !== undefined, { message: 'a rejection for OTHER reasons needs a note', path: ['note'] });

export type TDecisionInput = z.infer<typeof ZDecision>;
export type TDecisionKind = TDecisionInput['decision'];
