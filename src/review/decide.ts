import { createHash } from 'node:crypto';
import { CASE_MACHINE, CLAIM_RELEASED, FLAGS, lookupReset, reassessMove } from '../cases/index.ts';
import { inTransaction, type TDb, type TQuery } from '../db/index.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { CaseStatus, Violation } from '../generated/prisma/enums.ts';
import { parsePlate } from '../plates/index.ts';
import { AppError } from '../shared/app-error.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { moveSql, type TSetColumn } from '../workflow/index.ts';
import type { TDecisionInput } from './decision-input.ts';
import type { TPrincipal } from './principal.ts';
import { actorOf, isSupervisor, needsSupervisor } from './rules.ts';

export type TDecideDeps = {
  db: TDb;
  supervisorThresholdVnd: number;
  /** Share of reviewers' approvals sampled for a blind second review. */
  qaSampleRate: number;
  /** [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
};

export type TDecisionOutcome = {
  decisionId: string;
  kind: TDecisionInput['decision'];
  status: CaseStatus;
  /** A resubmit of a decision already recorded: nothing changed. */
  replayed: boolean;
};

type TLocked = {
  id: string;
  status: CaseStatus;
  claimed_by: string | null;
  claim_id: string | null;
  live: boolean;
  flags: string[];
  plate: string;
  violation: Violation;
  rule_code: string | null;
  rule_version: number | null;
  fine_min: number | null;
  fine_max: number | null;
  fine_amount: number | null;
  fine_multiplier: number | null;
  approved_amount: number | null;
};

type TMove = { to: CaseStatus; set?: Record<string, TSetColumn<unknown>>; reason: string | null; data?: Record<string, unknown>; amount?: number; value?: string; qaDisagrees?: boolean };

const fingerprintOf = (d: TDecisionInput): string => createHash('sha256').update(canonicalJson(d)).digest('hex');

const invalid = (message: string): AppError => new AppError('VALIDATION_FAILED', message);

/** The amount approved: the proposed one, or another within the rule's range with a reason. */
const approvedAmount = (c: TLocked, d: Extract<TDecisionInput, { decision: 'APPROVE' }>, base: number | null): number => {
  if (c.fine_min === null || c.fine_max === null || base === null) throw invalid('the case has no fine rule: change the act or reject it');
  const amount = d.amount ?? base;
  if (amount === base) return amount;
  const k = c.fine_multiplier ?? 1;
  if (amount < c.fine_min * k || amount > c.fine_max * k) throw invalid(`the amount must lie within the rule's range ${c.fine_min * k}–${c.fine_max * k} VND`);
  if (!d.reason) throw invalid('an amount other than the proposed one needs a reason');
  return amount;
};

const rejection = (d: Extract<TDecisionInput, { decision: 'REJECT' }>): TMove => ({ to: 'REJECTED', reason: d.reason, data: d.note ? { note: d.note } : {} });

/** A reviewer's decision on a case waiting for review (PENDING_REVIEW). */
const reviewMove = (deps: TDecideDeps, c: TLocked, d: TDecisionInput): TMove => {
  switch (d.decision) {
    case 'APPROVE': {
      const amount = approvedAmount(c, d, c.fine_amount);
      const set = { approved_amount: ['int', () => amount] as TSetColumn<unknown> };
      // The larger of the proposed and the approved amount decides: lowering a large fine
      // to just under the threshold is itself a decision a supervisor sees.
      if (needsSupervisor(c.flags, Math.max(amount, c.fine_amount ?? 0), deps.supervisorThresholdVnd)) return { to: 'ESCALATED_REVIEW', set, amount, reason: d.reason ?? 'a supervisor approves too (flags or amount)', data: { approvedBy: 'reviewer' } };
      const sampled = (deps.random ?? Math.random)() < deps.qaSampleRate;
      return { to: sampled ? 'QA_REVIEW' : 'APPROVED', set, amount, reason: d.reason ?? null, data: sampled ? { qaSampled: true } : {} };
    }
    case 'REJECT':
      return rejection(d);
    case 'ESCALATE':
      return { to: 'ESCALATED_REVIEW', reason: d.note };
    case 'CORRECT_PLATE': {
      const parsed = parsePlate(d.plate);
      if (!parsed.ok) throw new AppError('INVALID_PLATE', parsed.reason);
      const plate = parsed.plate.normalised;
      if (plate === c.plate) throw invalid('the plate is the one the case has');
      // The officer read the plate on the evidence: the camera's doubts about it go.
      const cleared = [FLAGS.LOW_CONFIDENCE_READ, ...(parsed.uncertain ? [] : [FLAGS.PLATE_FORMAT_UNCERTAIN])];
      return {
        to: 'DETECTED',
        set: { ...lookupReset(cleared), plate: ['text', () => plate], plate_format: ['text', () => parsed.plate.format] },
        reason: 'plate corrected by the officer',
        data: { plate: { from: c.plate, to: plate } },
        value: plate,
      };
    }
    case 'CHANGE_ACT':
      if (d.violation === c.violation) throw invalid('the case already has this act');
      return { to: 'OWNER_RESOLVED', reason: d.note ?? 'act changed by the officer', data: { violation: { from: c.violation, to: d.violation } }, value: d.violation };
  }
};

/** A supervisor's decision on an escalated case: approve (the reviewer's amount by default) or reject. */
const supervisorMove = (c: TLocked, d: TDecisionInput): TMove => {
  if (d.decision === 'REJECT') return rejection(d);
  if (d.decision !== 'APPROVE') throw invalid('an escalated case is approved or rejected');
  const amount = approvedAmount(c, d, c.approved_amount ?? c.fine_amount);
  return { to: 'APPROVED', set: { approved_amount: ['int', () => amount] }, amount, reason: d.reason ?? null };
};

/**
 * A blind second review: agreeing approves the case for the notice stage; rejecting,
 * escalating or approving another amount is a disagreement that a supervisor settles.
 */
const qaMove = (c: TLocked, d: TDecisionInput): TMove => {
  if (d.decision === 'APPROVE') {
    // The QA reviewer does not see the first amount: their approval defaults to the
    // proposed one (as their page shows) and agrees only if it equals the first.
    const amount = approvedAmount(c, d, c.fine_amount);
    const agrees = amount === c.approved_amount;
    return agrees
      ? { to: 'APPROVED', amount, reason: null, qaDisagrees: false }
      : { to: 'ESCALATED_REVIEW', amount, reason: d.reason ?? 'QA: another amount', data: { qaAmount: amount }, qaDisagrees: true };
  }
  if (d.decision === 'REJECT') return { ...rejection(d), to: 'ESCALATED_REVIEW', data: { qaReject: d.reason, ...(d.note ? { note: d.note } : {}) }, qaDisagrees: true };
  if (d.decision === 'ESCALATE') return { to: 'ESCALATED_REVIEW', reason: d.note, qaDisagrees: true };
  throw invalid('a QA review approves, rejects or escalates');
};

const lock = async (q: TQuery, p: TPrincipal, caseId: string): Promise<TLocked | undefined> =>
  (
    await q<TLocked>(Prisma.sql`
      SELECT c.id::text, c.status::text, c.claimed_by::text, c.claim_id::text, coalesce(c.claim_expires_at > clock_timestamp(), false) AS live,
        c.flags, c.plate, c.violation::text, r.code AS rule_code, r.version AS rule_version,
        c.fine_min, c.fine_max, c.fine_amount, c.fine_multiplier, c.approved_amount
      FROM "case" c LEFT JOIN fine_rule r ON r.id = c.fine_rule_id
      WHERE c.id = ${caseId}::uuid AND c.detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[]) FOR UPDATE OF c`)
  )[0];

/**
 * Records an officer's decision on a case they hold a live claim on, and moves the case
 * (compare-and-set, audit entry and outbox through the case machine, in the transaction
 * that locked the case). One decision per claim: a resubmit of the decision last recorded
 * by this officer answers it again (`replayed`); any other decision on a case no longer
 * claimed by the officer answers 409 with the case's state. Another agency's case is 404.
 */
export const decide = async (deps: TDecideDeps, p: TPrincipal, caseId: string, d: TDecisionInput): Promise<TDecisionOutcome> => {
  const fingerprint = fingerprintOf(d);
  return inTransaction(deps.db, async (q) => {
    const c = await lock(q, p, caseId);
    if (!c) throw new AppError('NOT_FOUND', 'no such case');
    if (c.claimed_by !== p.officerId || !c.live || !c.claim_id) {
      const [last] = await q<{ id: string; fingerprint: string }>(
        Prisma.sql`SELECT id::text, fingerprint FROM review_decision WHERE case_id = ${caseId}::uuid AND officer_id = ${p.officerId}::uuid ORDER BY at DESC, id LIMIT 1`,
      );
      if (last?.fingerprint === fingerprint) return { decisionId: last.id, kind: d.decision, status: c.status, replayed: true };
      throw new AppError('CONFLICT', 'the case is not under your live claim: it was decided, released or its claim expired', { details: { status: c.status } });
    }
    const claimId = c.claim_id;
    let move: TMove;
    if (c.status === 'PENDING_REVIEW') move = reviewMove(deps, c, d);
    else if (c.status === 'QA_REVIEW') move = qaMove(c, d);
    else if (c.status === 'ESCALATED_REVIEW') {
      if (!isSupervisor(p)) throw new AppError('NOT_FOUND', 'no such case');
      move = supervisorMove(c, d);
    } else throw new AppError('CONFLICT', 'the case is not under review', { details: { status: c.status } });
    // Four eyes: whoever decided the case before cannot approve it as supervisor or QA reviewer.
    if (c.status !== 'PENDING_REVIEW') {
      const [before] = await q<{ id: string }>(Prisma.sql`SELECT id::text FROM review_decision WHERE case_id = ${caseId}::uuid AND officer_id = ${p.officerId}::uuid LIMIT 1`);
      if (before) throw new AppError('CONFLICT', 'you decided this case before: another officer decides it', { details: { status: c.status } });
    }
    const why = { reason: move.reason, data: { decision: d.decision, claimId, officerId: p.officerId, ...(move.amount === undefined ? {} : { amount: move.amount }), ...move.data } };
    const statement =
      d.decision === 'CHANGE_ACT' && c.status === 'PENDING_REVIEW'
        ? moveSql(
            CASE_MACHINE,
            reassessMove([{ id: caseId, violation: c.violation, fineRule: c.rule_code ? { code: c.rule_code, version: c.rule_version! } : null }], {
              violation: d.violation,
              actor: actorOf(p),
              reason: move.reason ?? 'act changed by the officer',
              data: { decision: d.decision, claimId, officerId: p.officerId },
            }),
          )
        : moveSql(CASE_MACHINE, {
            path: [c.status, move.to],
            rows: [{ id: caseId }],
            id: (r) => r.id,
            actor: actorOf(p),
            why: () => why,
            set: { ...move.set, ...CLAIM_RELEASED },
          });
    // The case is locked: the move cannot miss, short of a bug.
    if ((await q(statement)).length !== 1) throw new AppError('CONFLICT', 'the case moved meanwhile', { details: { status: c.status } });
    const note = 'note' in d ? (d.note ?? null) : d.decision === 'APPROVE' ? (d.reason ?? null) : null;
    const [row] = await q<{ id: string }>(Prisma.sql`
      INSERT INTO review_decision (id, case_id, officer_id, kind, from_state, to_state, reason_code, note, amount, value, fingerprint, qa, qa_disagrees, claim_id)
      VALUES (gen_random_uuid(), ${caseId}::uuid, ${p.officerId}::uuid, ${d.decision}, ${c.status}, ${move.to}, ${d.decision === 'REJECT' ? d.reason : null},
        ${note}, ${move.amount ?? null}::int, ${move.value ?? null}, ${fingerprint}, ${c.status === 'QA_REVIEW'}, ${move.qaDisagrees ?? null}::boolean, ${claimId}::uuid)
      RETURNING id::text`);
    return { decisionId: row!.id, kind: d.decision, status: move.to, replayed: false };
  });
};
