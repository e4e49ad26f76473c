import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionOfForm } from '../src/web/index.ts';
import { ZDecision } from '../src/review/index.ts';
import { createTestContext, seedSite, startApi, type TTestContext } from './support/context.ts';
import { asOfficer, testOfficerAuth, testPrincipal } from './support/officer.ts';
import { AGENCY_A, AGENCY_B, seedReviewCases } from './support/review-cases.ts';

// The review pages over HTTP (no browser): the queue's filters and flag tabs, roles, scope.
// The whole flow in Chromium with real accounts is test/browser/review-flow.test.ts.
let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { site: 'HCM-1', cameras: ['HCM-CAM'] });
  api = await startApi(ctx, { officerAuth: testOfficerAuth });
  await seedReviewCases(ctx.db, 'HCM-1', 2, { flags: ['CLASS_MISMATCH'] });
  await seedReviewCases(ctx.db, 'HCM-1', 3, { dueInDays: 10 });
  await seedReviewCases(ctx.db, 'HCM-1', 1, { agency: AGENCY_B });
});
afterAll(async () => {
  await api?.close();
  await ctx?.close();
});

const get = (path: string, roles: ('REVIEWER' | 'SUPERVISOR' | 'ADMIN')[] = ['REVIEWER']) =>
  fetch(`${api.baseUrl}${path}`, { headers: { ...asOfficer(testPrincipal([AGENCY_A], { roles })), accept: 'text/html' } });

describe('the review pages', () => {
  it('turns a decision form into the decision API body', () => {
    expect(decisionOfForm({ _csrf: 'x', decision: 'APPROVE', amount: '18.500.000', reason: ' lần đầu ', note: '' })).toEqual({ decision: 'APPROVE', amount: 18_500_000, reason: ' lần đầu ' });
    expect(ZDecision.parse(decisionOfForm({ decision: 'REJECT', reason: 'OTHER', note: 'xe cứu thương' }))).toEqual({ decision: 'REJECT', reason: 'OTHER', note: 'xe cứu thương' });
    expect(ZDecision.safeParse(decisionOfForm({ decision: 'REJECT', reason: 'OTHER' })).success).toBe(false);
  });

  it('lists the queue with a tab per flag and its count, and filters by flag', async () => {
    const all = await (await get('/review')).text();
    expect(all).toContain('data-flag="CLASS_MISMATCH"');
    expect(all.match(/class="plate" href/g)).toHaveLength(5);
    const flagged = await (await get('/review?flag=CLASS_MISMATCH')).text();
    expect(flagged.match(/class="plate" href/g)).toHaveLength(2);
    // A malformed filter is ignored, not an error page.
    expect((await get('/review?violation=NOT_AN_ACT')).status).toBe(200);
  });

  it('is for reviewers and supervisors: an ADMIN alone gets 403', async () => {
    expect((await get('/review', ['ADMIN'])).status).toBe(403);
    expect((await get('/review', ['SUPERVISOR'])).status).toBe(200);
  });

  it("answers a decision form on another agency's case with the 404 page", async () => {
    const theirs = await ctx.db.case.findFirstOrThrow({ where: { detectingAgencyId: AGENCY_B } });
    const res = await fetch(`${api.baseUrl}/review/cases/${theirs.id}/decision`, {
      method: 'POST',
      headers: { ...asOfficer(testPrincipal([AGENCY_A])), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=REJECT&reason=DUPLICATE',
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('<!doctype html>');
  });
});
