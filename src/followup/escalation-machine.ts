import type { EscalationStatus } from '../generated/prisma/enums.ts';
import { QUEUES } from '../queues/index.ts';
import { Machine } from '../workflow/index.ts';

/**
 * An escalation's transition table: one hold on one registry (or the form-04 referral)
 * after the owner let the 20-day period pass. The escalation stage takes PENDING (send the
 * hold) and LIFT_PENDING (lift it) on, so the reconciler re-drives both when stuck.
 *
 * Lifting when the case is resolved: a hold sent (SENT), or one whose send may have
 * reached the agency (PENDING with an attempt made), goes to LIFT_PENDING and the stage
 * calls the agency; a hold never attempted goes to LIFTED without a call.
 */
export const ESCALATION_MACHINE = new Machine<EscalationStatus>({
  entity: 'escalation',
  table: 'escalation',
  statusType: '"EscalationStatus"',
  transitions: [
    // Made with the case's move to OVERDUE (src/followup, the deadlines task).
    { from: null, to: 'PENDING', by: { party: 'system' }, action: 'escalation.open' },
    { from: 'PENDING', to: 'SENT', by: { stage: QUEUES.escalation }, action: 'escalation.send' },
    // The case was resolved: the hold must be lifted at once (Circular 73/2024 Art 24.3–4; Decree 168/2024 Art 47.11.c).
    { from: 'SENT', to: 'LIFT_PENDING', by: { party: 'system' }, action: 'escalation.lift-requested' },
    { from: 'PENDING', to: 'LIFT_PENDING', by: { party: 'system' }, action: 'escalation.lift-requested' },
    { from: 'PENDING', to: 'LIFTED', by: { party: 'system' }, action: 'escalation.withdraw' },
    { from: 'LIFT_PENDING', to: 'LIFTED', by: { stage: QUEUES.escalation }, action: 'escalation.lift' },
  ],
});
