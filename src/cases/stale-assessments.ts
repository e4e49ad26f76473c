import { noticeDue, vietnamDate, type CalendarCache } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import { amendmentsNotApplied, type RuleCache } from '../fines/index.ts';
import { FLAGS } from './flags.ts';
import { reassessCases } from './reassess.ts';

export type TStaleReport = { withdrawnRule: number; amendmentFlag: number; holidayFlag: number };

/**
 * Cases waiting for review whose assessment no longer matches the legal data, sent back
 * to the fine stage (audited as the maintenance task). The admin commands that change the
 * data send the affected cases back at once; this sweep catches what a fine job holding
 * the old tables committed after them, so no case reaches an officer with a withdrawn
 * rule or a flag that no longer holds. Each test is the fine stage's own, so a case sent
 * back comes out settled and is not picked again.
 */
export const reassessStale = async (db: TDb, deps: { rules: RuleCache; calendar: CalendarCache }, opts: { actor: string; batch: number }): Promise<TStaleReport> => {
  const withdrawnRule = await reassessCases(db, { select: { withdrawnRules: true }, actor: opts.actor, reason: 'assessed with a fine rule since withdrawn as wrong' });

  const [pending, calendar] = await Promise.all([deps.rules.pendingAmendments(), deps.calendar.get()]);
  const flagged = await db.case.findMany({
    where: { status: 'PENDING_REVIEW', flags: { hasSome: [FLAGS.RULES_MAY_BE_OUTDATED, FLAGS.HOLIDAYS_UNCONFIRMED] } },
    select: { id: true, flags: true, firstCapturedAt: true, fineRule: { select: { decree: true, article: true } } },
    take: opts.batch,
  });
  const noLongerOutdated = flagged.filter(
    (c) => c.flags.includes(FLAGS.RULES_MAY_BE_OUTDATED) && amendmentsNotApplied(pending, vietnamDate(c.firstCapturedAt), c.fineRule).length === 0,
  );
  const holidaysNowKnown = flagged.filter(
    (c) => c.flags.includes(FLAGS.HOLIDAYS_UNCONFIRMED) && noticeDue(c.firstCapturedAt, calendar).unconfirmedYears.length === 0,
  );
  const amendmentFlag = noLongerOutdated.length
    ? await reassessCases(db, { select: { caseIds: noLongerOutdated.map((c) => c.id) }, actor: opts.actor, reason: 'no pending amendment applies any more' })
    : 0;
  const holidayIds = holidaysNowKnown.map((c) => c.id).filter((id) => !noLongerOutdated.some((c) => c.id === id));
  const holidayFlag = holidayIds.length
    ? await reassessCases(db, { select: { caseIds: holidayIds }, actor: opts.actor, reason: 'the holiday calendar of the deadline is now loaded' })
    : 0;
  return { withdrawnRule, amendmentFlag, holidayFlag };
};
