import type { TTx } from '../db/index.ts';
import { moveEntities } from '../workflow/index.ts';
import { ESCALATION_MACHINE } from './escalation-machine.ts';
import { LIFT_BASIS } from './escalation-targets.ts';

export type TLiftReport = { liftRequested: number; withdrawn: number };

type THold = { id: string; caseId: string; status: 'PENDING' | 'SENT'; attempts: number };

/**
 * Lifts the holds of resolved cases, inside the transaction that resolves them (the case
 * row is moved there too, so the lift commits with the resolution). The escalation rows
 * are locked first: the stage's "attempt made" write waits for this transaction and then
 * finds the row moved, so a hold is either withdrawn before any call or lifted by a call.
 * - SENT, or PENDING with an attempt made (the agency may have the hold), → LIFT_PENDING:
 *   the escalation stage calls the agency at once (the outbox row is written here);
 * - PENDING never attempted → LIFTED, no call.
 * `cause` says why (the case's new state), for the audit entries and the lift request.
 */
export const liftEscalations = async (tx: TTx, caseIds: readonly string[], why: { actor: string; cause: string }): Promise<TLiftReport> => {
  if (caseIds.length === 0) return { liftRequested: 0, withdrawn: 0 };
  const holds = await tx.$queryRaw<THold[]>`
    SELECT id::text, case_id::text AS "caseId", status::text AS status, attempts FROM escalation
    WHERE case_id = ANY(${[...caseIds]}::uuid[]) AND status IN ('PENDING', 'SENT')
    ORDER BY id FOR UPDATE`;
  const data = (h: THold) => ({ caseId: h.caseId, cause: why.cause, basis: LIFT_BASIS });
  const common = { id: (h: THold) => h.id, actor: why.actor };
  const never = holds.filter((h) => h.status === 'PENDING' && h.attempts === 0);
  const tried = holds.filter((h) => h.status === 'PENDING' && h.attempts > 0);
  const sent = holds.filter((h) => h.status === 'SENT');
  const withdrawn = await moveEntities(tx, ESCALATION_MACHINE, {
    ...common,
    path: ['PENDING', 'LIFTED'],
    rows: never,
    set: { lifted_at: ['timestamptz', () => null, 'now()'] },
    why: (h) => ({ reason: 'never sent: withdrawn without a call', data: data(h) }),
  });
  const fromPending = await moveEntities(tx, ESCALATION_MACHINE, {
    ...common,
    path: ['PENDING', 'LIFT_PENDING'],
    rows: tried,
    why: (h) => ({ reason: 'a send was attempted and may have reached the agency: lifted by a call', data: { ...data(h), attempts: h.attempts } }),
  });
  const fromSent = await moveEntities(tx, ESCALATION_MACHINE, {
    ...common,
    path: ['SENT', 'LIFT_PENDING'],
    rows: sent,
    why: (h) => ({ data: data(h) }),
  });
  return { liftRequested: fromPending.size + fromSent.size, withdrawn: withdrawn.size };
};
