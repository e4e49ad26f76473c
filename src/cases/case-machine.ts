import type { CaseStatus } from '../generated/prisma/enums.ts';
import { QUEUES } from '../queues/index.ts';
import { Machine } from '../workflow/index.ts';

/** The states in which an officer may record the owner's response to the notice. */
export const RESPONDING = ['NOTICE_ISSUED', 'NOTIFIED', 'OVERDUE'] as const satisfies readonly CaseStatus[];

/**
 * The states of a case not yet resolved, which the limitation ends. RESPONDED is among
 * them: the sanction decision must also come within the year.
 */
export const UNRESOLVED = [
  'DETECTED',
  'OWNER_RESOLVED',
  'FINE_ASSESSED',
  'PENDING_REVIEW',
  'ESCALATED_REVIEW',
  'QA_REVIEW',
  'APPROVED',
  'NOTICE_ISSUED',
  'NOTIFIED',
  'OVERDUE',
  'RESPONDED',
] as const satisfies readonly CaseStatus[];

/**
 * The case's transition table (DESIGN.md "States"). Which queue takes a case on from a
 * state follows from it: DETECTED → owner, OWNER_RESOLVED and FINE_ASSESSED → fine;
 * PENDING_REVIEW, ESCALATED_REVIEW and QA_REVIEW wait for an officer (src/review; or an
 * operator sends a case in review back to the look-up or to the fine stage). APPROVED →
 * notice; NOTICE_ISSUED waits for its deliveries (src/dispatch); REJECTED ends the case.
 * After sending, the statutory clock (src/followup) takes over: no response in 20 days →
 * OVERDUE; the owner's response → RESPONDED; the 1-year limitation → TIME_BARRED.
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
    // Back to the owner look-up: an operator after a registry import, or an officer who
    // corrected the plate (the audit entry's actor says which).
    { from: 'PENDING_REVIEW', to: 'DETECTED', by: { party: 'operator' }, action: 'case.reresolve' },
    // Back to the fine stage: its rule was withdrawn (operator), or an officer changed the act.
    { from: 'PENDING_REVIEW', to: 'OWNER_RESOLVED', by: { party: 'operator' }, action: 'case.reassess' },
    // An officer's decisions (src/review).
    { from: 'PENDING_REVIEW', to: 'APPROVED', by: { party: 'officer' }, action: 'case.approve' },
    // Approved, and sampled for a blind second review before the notice stage may take it.
    { from: 'PENDING_REVIEW', to: 'QA_REVIEW', by: { party: 'officer' }, action: 'case.approve' },
    { from: 'PENDING_REVIEW', to: 'REJECTED', by: { party: 'officer' }, action: 'case.reject' },
    // Escalated by the reviewer, or approved by a reviewer where a supervisor must approve too.
    { from: 'PENDING_REVIEW', to: 'ESCALATED_REVIEW', by: { party: 'officer' }, action: 'case.escalate' },
    { from: 'ESCALATED_REVIEW', to: 'APPROVED', by: { party: 'officer' }, action: 'case.supervisor-approve' },
    { from: 'ESCALATED_REVIEW', to: 'REJECTED', by: { party: 'officer' }, action: 'case.supervisor-reject' },
    { from: 'QA_REVIEW', to: 'APPROVED', by: { party: 'officer' }, action: 'case.qa-agree' },
    // The second reviewer disagreed: a supervisor decides.
    { from: 'QA_REVIEW', to: 'ESCALATED_REVIEW', by: { party: 'officer' }, action: 'case.qa-disagree' },
    // The notice stage (src/notices): numbered, rendered and stored; its first delivery planned.
    { from: 'APPROVED', to: 'NOTICE_ISSUED', by: { stage: QUEUES.notice }, action: 'case.issue-notice' },
    // The first channel confirmed sending (src/dispatch): the 20-day response period starts.
    { from: 'NOTICE_ISSUED', to: 'NOTIFIED', by: { party: 'system' }, action: 'case.notified' },
    // The only send bounced afterwards (a provider's receipt): not served after all; the next channel's send notifies.
    { from: 'NOTIFIED', to: 'NOTICE_ISSUED', by: { party: 'system' }, action: 'case.notice-returned' },
    // No response 20 days after sending (Circular 73/2024 Art 24.5): escalated (src/followup).
    { from: 'NOTIFIED', to: 'OVERDUE', by: { party: 'system' }, action: 'case.overdue' },
    // An officer recorded the owner's response (src/followup): the 20-day clock stops, escalations are lifted.
    ...RESPONDING.map((from) => ({ from, to: 'RESPONDED' as const, by: { party: 'officer' as const }, action: 'case.owner-responded' })),
    // The 1-year limitation passed unresolved (Decree 168/2024 Art 4.1): the capture can no longer be used (src/followup).
    ...UNRESOLVED.map((from) => ({ from, to: 'TIME_BARRED' as const, by: { party: 'system' as const }, action: 'case.time-barred' })),
  ],
});
