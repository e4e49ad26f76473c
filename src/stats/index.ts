// Figures for supervisors: read models over the review decisions (src/review), the
// cases' captures (src/events) and the audit log's claims (src/audit), never their tables directly.
export { DEFAULT_DAYS, MAX_DAYS, statsRange } from './date-range.ts';
export type { TStatsRange } from './date-range.ts';
export { DEFAULT_MIN_SETTLED, reviewStats } from './review-stats.ts';
export type { TCameraStats, TReviewerStats, TReviewStats } from './review-stats.ts';
