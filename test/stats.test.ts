import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOfficer } from '../src/accounts/index.ts';
import { vietnamDate } from '../src/clock/index.ts';
import { REJECT_REASONS } from '../src/review/index.ts';
import { text } from '../src/shared/templates.ts';
import { reviewStats, statsRange } from '../src/stats/index.ts';
import { createTestContext, seedSite, type TTestContext } from './support/context.ts';
import { AGENCY_A, AGENCY_B, seedReviewCases } from './support/review-cases.ts';
import { seedCapture, seedDecision, type TSeedDecision } from './support/review-stats.ts';

let ctx: TTestContext;
const officers: Record<'r1' | 'r2' | 'r3', string> = { r1: '', r2: '', r3: '' };
const now = new Date();
const daysAgo = (n: number) => new Date(now.getTime() - n * 86400_000);

const capture = (caseId: string, camera: string) => seedCapture(ctx.db, caseId, camera);
const decision = (caseId: string, officerId: string, d: TSeedDecision) => seedDecision(ctx.db, caseId, officerId, d);

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { cameras: ['CAM-1', 'CAM-2', 'CAM-3'] });
  for (const [key, username, fullName] of [['r1', 'rv.mot', 'Nguyễn Văn Một'], ['r2', 'rv.hai', 'Trần Thị Hai'], ['r3', 'rv.ba', 'Lê Văn Ba']] as const) {
    officers[key] = (await addOfficer({ db: ctx.db, actor: 'test' }, { username, fullName, agency: 'PC08-HCM', roles: ['REVIEWER'], password: 'a-long-enough-password' })).officer.id;
  }
  const settledAt = daysAgo(3);
  // CAM-1: 25 cases, 10 rejected (7 plate unreadable, 3 camera fault): a dirty lens.
  const cam1 = await seedReviewCases(ctx.db, 'SITE-1', 25);
  for (const [i, id] of cam1.entries()) {
    await capture(id, 'CAM-1');
    const reject = i < 10;
    await decision(id, officers.r3, reject ? { kind: 'REJECT', to: 'REJECTED', reason: i < 7 ? 'PLATE_UNREADABLE' : 'CAMERA_FAULT', at: settledAt } : { kind: 'APPROVE', to: 'APPROVED', at: settledAt });
  }
  // CAM-2: 20 cases, 1 rejected as a duplicate; one of them also captured by CAM-1 (counts for both).
  const cam2 = await seedReviewCases(ctx.db, 'SITE-1', 20);
  for (const [i, id] of cam2.entries()) {
    await capture(id, 'CAM-2');
    if (i === 5) await capture(id, 'CAM-1');
    await decision(id, officers.r3, i === 0 ? { kind: 'REJECT', to: 'REJECTED', reason: 'DUPLICATE', at: settledAt } : { kind: 'APPROVE', to: 'APPROVED', at: settledAt });
  }
  // CAM-3: 5 cases, all rejected, too few for a rate.
  for (const id of await seedReviewCases(ctx.db, 'SITE-1', 5)) {
    await capture(id, 'CAM-3');
    await decision(id, officers.r3, { kind: 'REJECT', to: 'REJECTED', reason: 'PLATE_UNREADABLE', at: settledAt });
  }
  // Not counted: another agency's case, and a decision 40 days ago.
  const [theirs] = await seedReviewCases(ctx.db, 'SITE-1', 1, { agency: AGENCY_B });
  await capture(theirs!, 'CAM-3');
  await decision(theirs!, officers.r3, { kind: 'REJECT', to: 'REJECTED', reason: 'CAMERA_FAULT', at: settledAt });
  const [old] = await seedReviewCases(ctx.db, 'SITE-1', 1);
  await capture(old!, 'CAM-2');
  await decision(old!, officers.r3, { kind: 'REJECT', to: 'REJECTED', reason: 'CAMERA_FAULT', at: daysAgo(40) });
  // r1: three escalations today after 60 s, 120 s and 600 s on the case; one two days ago with no claim entry.
  const r1Cases = await seedReviewCases(ctx.db, 'SITE-1', 4);
  for (const [i, secs] of [60, 120, 600].entries()) await decision(r1Cases[i]!, officers.r1, { kind: 'ESCALATE', to: 'ESCALATED_REVIEW', at: now, claimSeconds: secs });
  await decision(r1Cases[3]!, officers.r1, { kind: 'ESCALATE', to: 'ESCALATED_REVIEW', at: daysAgo(2) });
  // r2: two blind QA reviews, 30 s and 90 s: one agrees, one rejects (a disagreement, not a settled rejection).
  const r2Cases = await seedReviewCases(ctx.db, 'SITE-1', 2);
  await decision(r2Cases[0]!, officers.r2, { kind: 'APPROVE', to: 'APPROVED', qa: true, qaDisagrees: false, at: now, claimSeconds: 30 });
  await decision(r2Cases[1]!, officers.r2, { kind: 'REJECT', to: 'ESCALATED_REVIEW', reason: 'PLATE_MISREAD', qa: true, qaDisagrees: true, at: now, claimSeconds: 90 });
});

afterAll(async () => {
  await ctx?.close();
});

const stats = (query: Record<string, string> = {}, minSettled?: number) =>
  reviewStats(ctx.db, [AGENCY_A], statsRange(query, vietnamDate(now)), minSettled === undefined ? {} : { minSettled });

describe('review figures for supervisors', () => {
  it('per reviewer: decisions, days, decisions per day and the median time from claim to decision', async () => {
    const s = await stats();
    const by = Object.fromEntries(s.reviewers.map((r) => [r.username, r]));
    expect(by['rv.mot']).toMatchObject({ fullName: 'Nguyễn Văn Một', decisions: 4, activeDays: 2, perDay: 2, approvals: 0, rejections: 0, medianSeconds: 120 });
    // An even count: the mean of the middle two (30 s and 90 s).
    expect(by['rv.hai']).toMatchObject({ decisions: 2, activeDays: 1, approvals: 1, rejections: 1, medianSeconds: 60 });
    // 50 settling decisions in scope and in range (not the other agency's, not the one 40 days ago); no claim entries.
    expect(by['rv.ba']).toMatchObject({ decisions: 50, activeDays: 1, approvals: 34, rejections: 16, medianSeconds: null });
    expect(s.reviewers.map((r) => r.username)).toEqual(['rv.ba', 'rv.mot', 'rv.hai']);
  });

  it('decisions per reviewer per Vietnam day', async () => {
    const s = await stats();
    const r1 = s.daily.filter((d) => d.officerId === officers.r1);
    expect(r1).toEqual(
      [
        { officerId: officers.r1, day: vietnamDate(daysAgo(2)), decisions: 1 },
        { officerId: officers.r1, day: vietnamDate(now), decisions: 3 },
      ].sort((a, b) => a.day.localeCompare(b.day)),
    );
    expect(s.range.days).toHaveLength(30);
    expect(s.range.to).toBe(vietnamDate(now));
  });

  it('reject reasons count the rejections that settled a case (a QA reviewer\'s reject is a disagreement)', async () => {
    const s = await stats();
    expect(s.rejectReasons).toEqual([
      { code: 'PLATE_UNREADABLE', count: 12 },
      { code: 'CAMERA_FAULT', count: 3 },
      { code: 'DUPLICATE', count: 1 },
    ]);
  });

  it('QA disagreement rate', async () => {
    expect((await stats()).qa).toEqual({ reviews: 2, disagreements: 1, rate: 0.5 });
  });

  it('reject rate by camera over settled cases, with a minimum count before a rate is shown', async () => {
    const s = await stats();
    expect(s.minSettled).toBe(20);
    expect(s.cameras.map(({ code, settled, rejected, rate }) => ({ code, settled, rejected, rate }))).toEqual([
      { code: 'CAM-1', settled: 26, rejected: 10, rate: 10 / 26 },
      { code: 'CAM-2', settled: 20, rejected: 1, rate: 0.05 },
      { code: 'CAM-3', settled: 5, rejected: 5, rate: null },
    ]);
    const lower = await stats({}, 5);
    expect(lower.cameras[0]).toMatchObject({ code: 'CAM-3', rate: 1 });
  });

  it('a range: only the decisions of its Vietnam days; an empty one; an out-of-scope supervisor sees nothing', async () => {
    const day = vietnamDate(daysAgo(2));
    const s = await stats({ from: day, to: day });
    expect(s.reviewers.map((r) => [r.username, r.decisions])).toEqual([['rv.mot', 1]]);
    expect((await stats({ from: '2020-01-01', to: '2020-01-31' })).reviewers).toEqual([]);
    const other = await reviewStats(ctx.db, [randomUUID()], statsRange({}, vietnamDate(now)));
    expect(other).toMatchObject({ reviewers: [], rejectReasons: [], cameras: [], qa: { reviews: 0, disagreements: 0, rate: null } });
  });

  it('statsRange: 30 days ending today by default, Vietnam day bounds, refuses bad ranges', () => {
    const r = statsRange({}, '2026-03-31');
    expect(r).toMatchObject({ from: '2026-03-02', to: '2026-03-31' });
    expect(r.start.toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(r.end.toISOString()).toBe('2026-03-31T17:00:00.000Z');
    expect(statsRange({ from: '2026-01-01' }, '2026-03-31')).toMatchObject({ from: '2026-01-01', to: '2026-01-30' });
    expect(() => statsRange({ from: '2026-03-05', to: '2026-03-01' }, '2026-03-31')).toThrow(/after/);
    expect(() => statsRange({ from: '2024-01-01', to: '2026-03-01' }, '2026-03-31')).toThrow(/366/);
    expect(() => statsRange({ from: '2026-02-30' }, '2026-03-31')).toThrow();
  });

  it('every reject reason has its words in both languages', () => {
    for (const code of REJECT_REASONS) for (const lang of ['vi', 'en']) expect(text('supervision', `reason.${code}`, {}, lang)).not.toBe('');
  });
});
