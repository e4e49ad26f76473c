import type { TDb } from '../db/index.ts';
import { withdrawnRuleIds } from '../fines/index.ts';
import type { CaseStatus, Violation } from '../generated/prisma/enums.ts';
import { moveEntities, type TMoveSpec } from '../workflow/index.ts';
import { FINE_FIELDS_CLEARED, FINE_STAGE_FLAGS } from './assess-case.ts';
import { CASE_MACHINE } from './case-machine.ts';
import { CLAIM_RELEASED } from './claim-columns.ts';
import { FLAGS } from './flags.ts';

/** Which cases waiting for review go back to the fine stage. */
export type TReassessSelection =
  /** Those assessed with a rule row since withdrawn (after a `fines load` that corrected rows). */
  | { withdrawnRules: true }
  /** These cases (e.g. an officer's decision to change the act). */
  | { caseIds: readonly string[] }
  /** Those carrying a flag the fine stage may now lift (an amendment loaded or reviewed, a holiday year loaded). */
  | { flag: typeof FLAGS.RULES_MAY_BE_OUTDATED | typeof FLAGS.HOLIDAYS_UNCONFIRMED }
  /** Those whose notice deadline falls in [from, to) (a holiday year replaced). */
  | { noticeDue: { from: Date; to: Date } }
  /** Those captured from this instant on (an amendment recorded with that effective date). */
  | { capturedFrom: Date };

export type TReassessOptions = {
  select: TReassessSelection;
  /** The act the fine stage assesses instead of the captured one (a changed act); absent: keep it. */
  violation?: Violation;
  actor: string;
  reason: string;
  /** More for the audit entry (an officer's decision: its claim and officer). */
  data?: Record<string, string | number | boolean | null>;
};

const CHUNK = 1_000;

/** A case in review as reassessCases reads it. */
export type TReassessRow = { id: string; violation: Violation; fineRule: { code: string; version: number } | null };

/**
 * The move that sends cases in review back to the fine stage (reassessCases; an officer's
 * change of act, in the decision's transaction): audited with the rule they had and any
 * change of act; their assessment cleared, their review claim released.
 */
export const reassessMove = (rows: readonly TReassessRow[], opts: Omit<TReassessOptions, 'select'>): TMoveSpec<CaseStatus, TReassessRow> => ({
  path: ['PENDING_REVIEW', 'OWNER_RESOLVED'],
  rows,
  id: (c) => c.id,
  actor: opts.actor,
  why: (c) => ({
    reason: opts.reason,
    data: {
      ...opts.data,
      rule: c.fineRule ? `${c.fineRule.code}@${c.fineRule.version}` : null,
      ...(opts.violation && opts.violation !== c.violation ? { violation: { from: c.violation, to: opts.violation } } : {}),
    },
  }),
  set: {
    violation: ['text', (c) => opts.violation ?? c.violation, `i.violation::"Violation"`],
    // What the fine stage wrote is cleared, so it writes it afresh.
    flags: ['text', () => FINE_STAGE_FLAGS.join(','), `ARRAY(SELECT f FROM unnest(t.flags) AS f WHERE f <> ALL (string_to_array(i.flags, ',')))`],
    ...FINE_FIELDS_CLEARED,
    ...CLAIM_RELEASED,
  },
});

/**
 * Sends cases waiting for review back to the fine stage (PENDING_REVIEW → OWNER_RESOLVED,
 * audited with the actor, the reason, the rule they had and any change of act): their
 * rule, amount, points, legal basis and handling unit are cleared, their owner kept, and
 * the fine stage assesses them again with the rules in force on their capture date. Cases
 * not yet in review need nothing: the fine stage has not assessed them, or will again.
 * With `violation`, the case is assessed as that act. An officer's review claim on a case
 * is released. Returns how many cases went back.
 */
export const reassessCases = async (db: TDb, opts: TReassessOptions): Promise<number> => {
  const sel = opts.select;
  const scope =
    'withdrawnRules' in sel
      ? { fineRuleId: { in: await withdrawnRuleIds(db) } }
      : 'caseIds' in sel
        ? { id: { in: [...sel.caseIds] } }
        : 'flag' in sel
          ? { flags: { has: sel.flag } }
          : 'noticeDue' in sel
            ? { noticeDueAt: { gte: sel.noticeDue.from, lt: sel.noticeDue.to } }
            : { firstCapturedAt: { gte: sel.capturedFrom } };
  let moved = 0;
  for (let after = ''; ; ) {
    const batch = await db.case.findMany({
      where: { status: 'PENDING_REVIEW', ...scope, ...(after ? { AND: [{ id: { gt: after } }] } : {}) },
      select: { id: true, violation: true, fineRule: { select: { code: true, version: true } } },
      orderBy: { id: 'asc' },
      take: CHUNK,
    });
    if (batch.length === 0) return moved;
    after = batch.at(-1)!.id;
    const ids = await moveEntities(db, CASE_MACHINE, reassessMove(batch, opts));
    moved += ids.size;
  }
};
