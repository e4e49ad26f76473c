import type { OwnerType } from '../generated/prisma/enums.ts';
import { text } from '../shared/templates.ts';
import type { TFineRule } from './rule-file.ts';

export type TAssessment = {
  fineMin: number;
  fineMax: number;
  /** Integer VND. */
  fineAmount: number;
  fineMultiplier: number;
  points: number;
  legalBasis: string;
};

/** "điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP"; "khoản 4 Điều 21 …" for a clause without points. */
export const legalBasisOf = (r: Pick<TFineRule, 'point' | 'clause' | 'article' | 'decree'>): string =>
  r.point === null
    ? text('case-text', 'legalBasisClause', { clause: r.clause, article: r.article, decree: r.decree })
    : text('case-text', 'legalBasis', { point: r.point, clause: r.clause, article: r.article, decree: r.decree });

/**
 * The proposed fine for a single act with no mitigating or aggravating circumstance: the
 * middle of the range (LHAV Art 23.4), rounded down to whole VND. Organisations pay the
 * individual amount times `orgMultiplier` (a setting pending legal review, domain §5.4).
 * The officer may still set another amount within the range.
 */
export const assessFine = (rule: TFineRule, ownerType: OwnerType | null, orgMultiplier: number): TAssessment => {
  const multiplier = ownerType === 'ORGANISATION' ? orgMultiplier : 1;
  const mid = Math.floor((rule.fineMin + rule.fineMax) / 2);
  return {
    fineMin: rule.fineMin * multiplier,
    fineMax: rule.fineMax * multiplier,
    fineAmount: mid * multiplier,
    fineMultiplier: multiplier,
    points: rule.points,
    legalBasis: legalBasisOf(rule),
  };
};
