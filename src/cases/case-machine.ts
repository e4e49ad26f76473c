import type { CaseStatus } from '../generated/prisma/enums.ts';
import { QUEUES } from '../queues/index.ts';
import { Machine } from '../workflow/index.ts';

/**
 * The case's transition table (DESIGN.md "States"). Which queue takes a case on from a
 * state follows from it: DETECTED → owner, OWNER_RESOLVED and FINE_ASSESSED → fine;
 * PENDING_REVIEW waits for an officer (or an operator sends it back to the look-up or to
 * the fine stage).
 */
export const CASE_MACHINE = new Machine<CaseStatus>({
  entity: 'case',
  table: '"case"',
  statusType: '"CaseStatus"',
  transitions: [
    { from: null, to: 'DETECTED', by: { stage: QUEUES.dedup }, action: 'case.open' },
    { from: 'DETECTED', to: 'OWNER_RESOLVED', by: { stage: QUEUES.owner }, action: 'case.owner' },
    { from: 'OWNER_RESOLVED', to: 'FINE_ASSESSED', by: { stage: QUEUES.fine }, action: 'case.assess' },
    { from: 'FINE_ASSESSED', to: 'PENDING_REVIEW', by: { stage: QUEUES.fine }, action: 'case.queue-for-review' },
    // An operator sends a case back to the owner look-up (after a registry import).
    { from: 'PENDING_REVIEW', to: 'DETECTED', by: { party: 'operator' }, action: 'case.reresolve' },
    // A case is sent back to the fine stage (its rule was withdrawn, or its act changed).
    { from: 'PENDING_REVIEW', to: 'OWNER_RESOLVED', by: { party: 'operator' }, action: 'case.reassess' },
  ],
});
