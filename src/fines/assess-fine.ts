import type { OwnerType } from '../generated/prisma/enums.ts';
import { text } from '../shared/templates.ts';
import type { TFineRule } from './rule-file.ts';

export type TAssessment = {
  fineMin: number;
  fineMax: number;
  /** Integer VND. */
  fineAmount: number;
  fineMultiplier: number;
  /** Points deducted from the owner's licence on this case: 0 for an organisation. */
  points: number;
  /** The rule's points, for the driver once one is identified. */
  rulePoints: number;
  legalBasis: string;
};

/**
 * How an organisation owner's amount is proposed: the individual amount times `multiplier`,
 * which above 1 must rest on `basis` (the provision relied on, shown in the legal basis).
 */
export type TOrgFinePolicy = { multiplier: number; basis: string | null };

/** No multiplier: Decree 168 has no clause doubling Art 6/7 driver fines for organisations. */
export const NO_ORG_MULTIPLIER: TOrgFinePolicy = { multiplier: 1, basis: null };

/** "điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP"; "khoản 4 Điều 21 …" for a clause without points. */
export const legalBasisOf = (r: Pick<TFineRule, 'point' | 'clause' | 'article' | 'decree' | 'source'>): string => {
  const basis =
    r.point === null
      ? text('case-text', 'legalBasisClause', { clause: r.clause, article: r.article, decree: r.decree })
      : text('case-text', 'legalBasis', { point: r.point, clause: r.clause, article: r.article, decree: r.decree });
  // A row enacted by an amending decree is the amended decree's provision, as amended.
  return r.source === r.decree ? basis : text('case-text', 'legalBasis.amendedBy', { legalBasis: basis, source: r.source });
};

/**
 * The proposed fine for a single act with no mitigating or aggravating circumstance: the
 * middle of the range (LHAV Art 23.4), rounded down to whole VND. The officer may still
 * set another amount within the range.
 *
 * Organisation owners: licence points come off a person's driving licence (Decree 168
 * Art 50.1), which an organisation does not have, so the case carries 0 points and the
 * rule's points wait for the driver to be identified (Art 47.8.b). The amount is the
 * individual one unless `org` names a multiplier and the provision it rests on.
 */
export const assessFine = (rule: TFineRule, ownerType: OwnerType | null, org: TOrgFinePolicy): TAssessment => {
  const organisation = ownerType === 'ORGANISATION';
  if (organisation && org.multiplier > 1 && !org.basis) throw new Error('an organisation fine multiplier needs the provision it rests on');
  const multiplier = organisation ? org.multiplier : 1;
  const mid = Math.floor((rule.fineMin + rule.fineMax) / 2);
  const legalBasis = legalBasisOf(rule);
  return {
    fineMin: rule.fineMin * multiplier,
    fineMax: rule.fineMax * multiplier,
    fineAmount: mid * multiplier,
    fineMultiplier: multiplier,
    points: organisation ? 0 : rule.points,
    rulePoints: rule.points,
    legalBasis: multiplier > 1 ? text('case-text', 'legalBasis.organisationMultiplier', { legalBasis, multiplier, basis: org.basis! }) : legalBasis,
  };
};
