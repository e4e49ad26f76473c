export { assessFine, legalBasisOf, NO_ORG_MULTIPLIER } from './assess-fine.ts';
export type { TAssessment, TOrgFinePolicy } from './assess-fine.ts';
export { COMMUNE_FINE_LIMIT, handlingUnitFor } from './handling-unit.ts';
export type { THandlingUnit } from './handling-unit.ts';
export { readRuleFile, readRuleTable, ruleKey, ruleTableFiles } from './rule-file.ts';
export type { TConditions, TFineRule, TRuleTable, TWithdrawal } from './rule-file.ts';
export { applyRules, loadAllRules, planRules, RuleCache, RuleConflictError, withdrawnRuleIds } from './rule-store.ts';
export type { TRulePlan } from './rule-store.ts';
export { selectRule } from './select-rule.ts';
export type { TAct } from './select-rule.ts';
export { readAmendmentFile } from './amendment-file.ts';
export type { TAmendment } from './amendment-file.ts';
export { applyAmendment, listAmendments, pendingAmendments, reviewAmendment } from './amendment-store.ts';
export type { TAmendmentStatus, TStoredAmendment } from './amendment-store.ts';
export { amendmentsNotApplied } from './outdated-rules.ts';
export type { TPendingAmendment } from './outdated-rules.ts';
export const RULE_TABLES_DIR = new URL('./tables/', import.meta.url).pathname;

/** Amending instruments known but not (yet) loaded as rows: see amendment-file.ts. */
export const AMENDMENTS_DIR = new URL('./amendments/', import.meta.url).pathname;
export { rulesByIds } from './rule-reads.ts';
export type { TRuleFacts } from './rule-reads.ts';
