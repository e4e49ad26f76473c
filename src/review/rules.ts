import { FLAGS } from '../cases/index.ts';
import type { TPrincipal } from './principal.ts';

/**
 * Flags whose approval needs a supervisor after the reviewer (four eyes), and why:
 * - CLASS_MISMATCH, UNREGISTERED_PLATE: the plate may be cloned or misread, so the notice
 *   may go to the wrong person;
 * - LOW_CONFIDENCE_READ, PLATE_FORMAT_UNCERTAIN: the plate itself is doubtful;
 * - NO_RULE: no rule fits the act (an approval cannot happen until the act is changed,
 *   but a supervisor must also see the case when it comes back);
 * - RULES_MAY_BE_OUTDATED: the amount may come from an unamended row;
 * - ORGANISATION_OWNER: no clause found setting the organisation's amount (flags.ts).
 * Not listed: OWNER_ADDRESS_UNMATCHED and SITE_PROVINCE_UNMATCHED (which unit handles the
 * case: routing, not guilt or amount; the notice stage must settle it) and
 * HOLIDAYS_UNCONFIRMED (a deadline's count, re-assessed when the year is loaded).
 */
export const SUPERVISOR_FLAGS: readonly string[] = [
  FLAGS.CLASS_MISMATCH,
  FLAGS.UNREGISTERED_PLATE,
  FLAGS.NO_RULE,
  FLAGS.LOW_CONFIDENCE_READ,
  FLAGS.PLATE_FORMAT_UNCERTAIN,
  FLAGS.RULES_MAY_BE_OUTDATED,
  FLAGS.ORGANISATION_OWNER,
];

/** Coded reasons of a rejection (OTHER needs a note). */
export const REJECT_REASONS = [
  'PLATE_UNREADABLE',
  'PLATE_MISREAD',
  'PRIORITY_VEHICLE_ON_DUTY',
  'EVIDENCE_INSUFFICIENT',
  'CAMERA_FAULT',
  'DUPLICATE',
  'OTHER',
] as const;
export type TRejectReason = (typeof REJECT_REASONS)[number];

/** Whether a reviewer's approval of `amount` on a case with `flags` goes to a supervisor. */
export const needsSupervisor = (flags: readonly string[], amount: number, thresholdVnd: number): boolean =>
  amount > thresholdVnd || flags.some((f) => SUPERVISOR_FLAGS.includes(f));

/** The review queues an officer works, most pressing first. */
export type TQueueKind = 'ESCALATED' | 'QA' | 'REVIEW';
export const QUEUE_STATE = { ESCALATED: 'ESCALATED_REVIEW', QA: 'QA_REVIEW', REVIEW: 'PENDING_REVIEW' } as const;

/**
 * Supervisors take escalated cases first; QA second reviews come before new cases, since
 * the notice stage waits for them. ADMIN alone reviews nothing.
 */
export const queuesOf = (p: TPrincipal): TQueueKind[] =>
  p.roles.includes('SUPERVISOR') ? ['ESCALATED', 'QA', 'REVIEW'] : p.roles.includes('REVIEWER') ? ['QA', 'REVIEW'] : [];

export const isSupervisor = (p: TPrincipal): boolean => p.roles.includes('SUPERVISOR');
export { officerActor as actorOf } from '../accounts/index.ts';
