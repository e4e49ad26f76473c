import type { TAmendment } from './amendment-file.ts';

/** An amendment neither loaded as rows nor reviewed by an operator. */
export type TPendingAmendment = Pick<TAmendment, 'decree' | 'amends' | 'effectiveFrom' | 'articles'>;

/**
 * The pending amendments that may change the assessment of an act: in force on the
 * capture day (Decree 168 Art 54: the rules in force when the act happened apply) and
 * amending the decree of the rule chosen, at its article when the articles are known.
 * With no rule at all, any pending amendment in force may be the one that covers the act.
 */
export const amendmentsNotApplied = (
  pending: readonly TPendingAmendment[],
  captureDay: string,
  rule: { decree: string; article: number } | null,
): TPendingAmendment[] =>
  pending.filter(
    (a) =>
      a.effectiveFrom <= captureDay &&
      (rule === null || (a.amends === rule.decree && (a.articles.length === 0 || a.articles.includes(rule.article)))),
  );
