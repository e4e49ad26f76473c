import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postEvent } from '../scripts/camera-client.ts';
import { verifyAuditChain } from '../src/audit/index.ts';
import { applyRules, readRuleFile, RULE_TABLES_DIR } from '../src/fines/index.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { reassessCases } from '../src/cases/index.ts';
import { claimNext, decide, expireClaims, listQueue, releaseClaim, renewClaim, type TDecisionInput, type TPrincipal, type TReviewDeps } from '../src/review/index.ts';
import { AppError } from '../src/shared/app-error.ts';
import { CAMERA_SECRET, createTestContext, seedSite, startApi, startPipeline, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { AGENCY_B, officer, seedReviewCases } from './support/review-cases.ts';

const REGISTRY = [
  'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
  '51F-300.01,WHITE,CAR,Kia,Morning,Xanh,PERSON,Võ Thị Cúc,079190003333,"8 Hai Bà Trưng",TP. Hồ Chí Minh,,,2024-01-01,',
].join('\n');

let ctx: TTestContext;
let deps: TReviewDeps;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { site: 'HCM-1', cameras: ['HCM-CAM'] });
  await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
  await loadTestHolidays(ctx.db);
  expect((await importRegistryCsv(ctx.db, REGISTRY, 'test')).errors).toEqual([]);
});
afterAll(async () => {
  await ctx.close();
});
beforeEach(async () => {
  // Each test starts with an empty review: earlier cases are closed out of the queues.
  await ctx.db.$executeRaw`UPDATE "case" SET status = 'CLOSED', claimed_by = NULL, claim_id = NULL, claim_expires_at = NULL`;
  deps = { db: ctx.db, leaseSeconds: 600, supervisorThresholdVnd: 20_000_000, qaSampleRate: 0 };
});

const rejection = async (p: Promise<unknown>): Promise<AppError> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};
const caseRow = (id: string) => ctx.db.case.findUniqueOrThrow({ where: { id } });
const trail = async (id: string) =>
  (await ctx.db.auditEntry.findMany({ where: { entityType: 'case', entityId: id }, orderBy: { id: 'asc' } })).map((a) => ({
    actor: a.actor,
    action: a.action,
    to: a.toState,
    reason: a.reason,
    data: a.data,
  }));
const claimAndDecide = async (p: TPrincipal, d: TDecisionInput) => {
  const c = await claimNext(deps, p);
  expect(c).not.toBeNull();
  return { claimed: c!, outcome: await decide(deps, p, c!.id, d) };
};

describe('claims', () => {
  it('never hands one case to two officers, and each officer holds one claim, under concurrency', async () => {
    const ids = await seedReviewCases(ctx.db, 'HCM-1', 12);
    const officers = Array.from({ length: 30 }, () => officer());
    const rounds = await Promise.all(officers.map((o) => claimNext(deps, o)));
    const handed = rounds.filter((c) => c !== null).map((c) => c.id);
    expect(handed).toHaveLength(12);
    expect(new Set(handed).size).toBe(12);
    expect(new Set(handed)).toEqual(new Set(ids));
    // Asking again (several times at once) answers the held case, never a second one.
    const again = await Promise.all(officers.flatMap((o) => [claimNext(deps, o), claimNext(deps, o)]));
    again.forEach((c, i) => expect(c?.id ?? null).toBe(rounds[Math.floor(i / 2)]?.id ?? null));
    const holders = await ctx.db.case.groupBy({ by: ['claimedBy'], where: { claimedBy: { not: null } }, _count: true });
    expect(holders).toHaveLength(12);
    expect(holders.every((h) => h._count === 1)).toBe(true);
    for (const id of ids) expect(await verifyAuditChain(ctx.db, 'case', id)).toBeNull();
  });

  it('hands the most urgent case first, and a supervisor the escalated ones first', async () => {
    const [late] = await seedReviewCases(ctx.db, 'HCM-1', 1, { dueInDays: 8 });
    const [soon] = await seedReviewCases(ctx.db, 'HCM-1', 1, { dueInDays: 1 });
    const [escalated] = await seedReviewCases(ctx.db, 'HCM-1', 1, { dueInDays: 9, status: 'ESCALATED_REVIEW' });
    expect((await claimNext(deps, officer()))?.id).toBe(soon);
    const sup = await claimNext(deps, officer(['SUPERVISOR']));
    expect(sup).toMatchObject({ id: escalated, queue: 'ESCALATED' });
    expect((await claimNext(deps, officer()))?.id).toBe(late);
    expect(await claimNext(deps, officer())).toBeNull();
  });

  it('a lease renews, releases, and expires: an expired claim frees the case for the next officer', async () => {
    const [id] = await seedReviewCases(ctx.db, 'HCM-1', 1);
    const a = officer();
    const b = officer();
    const held = await claimNext(deps, a);
    expect(held?.id).toBe(id);
    expect(await claimNext(deps, b)).toBeNull();
    const renewed = await renewClaim(deps, a, id!);
    expect(renewed.id).toBe(held!.claim.id);
    expect(renewed.expiresAt.getTime()).toBeGreaterThanOrEqual(held!.claim.expiresAt.getTime());
    // Expired: B takes it over, A can neither renew nor decide.
    await ctx.db.$executeRaw`UPDATE "case" SET claim_expires_at = now() - interval '1 second' WHERE id = ${id}::uuid`;
    const taken = await claimNext(deps, b);
    expect(taken?.id).toBe(id);
    expect((await rejection(renewClaim(deps, a, id!))).code).toBe('CONFLICT');
    expect((await rejection(decide(deps, a, id!, { decision: 'APPROVE' }))).details).toEqual({ status: 'PENDING_REVIEW' });
    // A's next claim finds nothing (B holds the only case).
    expect(await claimNext(deps, a)).toBeNull();
    await releaseClaim(deps, b, id!);
    expect((await rejection(releaseClaim(deps, b, id!))).code).toBe('CONFLICT');
    expect((await claimNext(deps, a))?.id).toBe(id);
    expect((await trail(id!)).map((e) => e.action)).toEqual(['review.claim', 'review.renew', 'review.claim', 'review.release', 'review.claim']);
    expect((await trail(id!))[2]!.data).toMatchObject({ officerId: b.officerId, expiredClaimOf: a.officerId });
    expect(await verifyAuditChain(ctx.db, 'case', id!)).toBeNull();
  });

  it('an officer asking again after their claim expired gets a fresh claim, the old one audited as expired', async () => {
    const [first] = await seedReviewCases(ctx.db, 'HCM-1', 2);
    const a = officer();
    expect((await claimNext(deps, a))?.id).toBe(first);
    await ctx.db.$executeRaw`UPDATE "case" SET claim_expires_at = now() - interval '1 second' WHERE id = ${first}::uuid`;
    // A's stale claim is released (audited as expired) and the most urgent case, the same one, claimed afresh.
    const again = await claimNext(deps, a);
    expect(again?.id).toBe(first);
    expect((await trail(first!)).map((e) => e.action)).toEqual(['review.claim', 'review.claim-expire', 'review.claim']);
    expect(await verifyAuditChain(ctx.db, 'case', first!)).toBeNull();
  });

  it('the maintenance task releases claims whose lease ran out, audited, and leaves live ones', async () => {
    const [stale, live] = await seedReviewCases(ctx.db, 'HCM-1', 2);
    const a = officer();
    const b = officer();
    expect((await claimNext(deps, a))?.id).toBe(stale);
    expect((await claimNext(deps, b))?.id).toBe(live);
    await ctx.db.$executeRaw`UPDATE "case" SET claim_expires_at = now() - interval '1 second' WHERE id = ${stale}::uuid`;
    expect(await expireClaims(ctx.db)).toBe(1);
    expect(await expireClaims(ctx.db)).toBe(0);
    expect(await caseRow(stale!)).toMatchObject({ claimedBy: null, claimId: null });
    expect(await caseRow(live!)).toMatchObject({ claimedBy: b.officerId });
    expect((await trail(stale!)).at(-1)).toMatchObject({ actor: 'system:review', action: 'review.claim-expire', data: { officerId: a.officerId } });
    expect(await verifyAuditChain(ctx.db, 'case', stale!)).toBeNull();
    // A's next claim starts afresh.
    expect((await claimNext(deps, a))?.id).toBe(stale);
  });

  it("another agency's case is not found: not in the queue, not claimable, not decidable", async () => {
    const [id] = await seedReviewCases(ctx.db, 'HCM-1', 1);
    const other = officer(['REVIEWER', 'SUPERVISOR'], AGENCY_B);
    expect(await claimNext(deps, other)).toBeNull();
    expect((await listQueue(ctx.db, other)).cases).toEqual([]);
    await claimNext(deps, officer());
    for (const call of [() => decide(deps, other, id!, { decision: 'APPROVE' }), () => renewClaim(deps, other, id!), () => releaseClaim(deps, other, id!)]) {
      expect((await rejection(call())).code).toBe('NOT_FOUND');
    }
  });
});

describe('decisions', () => {
  it('APPROVE: the proposed amount, or another within the range with a reason', async () => {
    await seedReviewCases(ctx.db, 'HCM-1', 3);
    const a = officer();
    const { claimed, outcome } = await claimAndDecide(a, { decision: 'APPROVE' });
    expect(outcome).toMatchObject({ kind: 'APPROVE', status: 'APPROVED', replayed: false });
    expect(await caseRow(claimed.id)).toMatchObject({ status: 'APPROVED', approvedAmount: 19_000_000, claimedBy: null, claimId: null });
    expect((await trail(claimed.id)).at(-1)).toMatchObject({ actor: a.username.replace(/^/, 'officer:'), action: 'case.approve', to: 'APPROVED', data: { decision: 'APPROVE', amount: 19_000_000, claimId: claimed.claim.id } });

    const next = await claimNext(deps, a);
    expect((await rejection(decide(deps, a, next!.id, { decision: 'APPROVE', amount: 18_500_000 }))).message).toMatch(/needs a reason/);
    expect((await rejection(decide(deps, a, next!.id, { decision: 'APPROVE', amount: 21_000_000, reason: 'x' }))).message).toMatch(/within the rule's range/);
    await decide(deps, a, next!.id, { decision: 'APPROVE', amount: 18_000_000, reason: 'lần đầu vi phạm, hợp tác' });
    expect(await caseRow(next!.id)).toMatchObject({ status: 'APPROVED', approvedAmount: 18_000_000, fineAmount: 19_000_000 });
    const row = await ctx.db.reviewDecision.findFirstOrThrow({ where: { caseId: next!.id } });
    expect(row).toMatchObject({ officerId: a.officerId, kind: 'APPROVE', amount: 18_000_000, note: 'lần đầu vi phạm, hợp tác', fromState: 'PENDING_REVIEW', toState: 'APPROVED', qa: false });
  });

  it('REJECT with a coded reason, ESCALATE with a note', async () => {
    await seedReviewCases(ctx.db, 'HCM-1', 2);
    const a = officer();
    const r = await claimAndDecide(a, { decision: 'REJECT', reason: 'CAMERA_FAULT', note: 'ảnh mờ' });
    expect(await caseRow(r.claimed.id)).toMatchObject({ status: 'REJECTED', claimedBy: null });
    expect((await trail(r.claimed.id)).at(-1)).toMatchObject({ action: 'case.reject', to: 'REJECTED', reason: 'CAMERA_FAULT', data: { note: 'ảnh mờ' } });
    expect(await ctx.db.reviewDecision.findFirst({ where: { caseId: r.claimed.id } })).toMatchObject({ kind: 'REJECT', reasonCode: 'CAMERA_FAULT', note: 'ảnh mờ' });
    const e = await claimAndDecide(a, { decision: 'ESCALATE', note: 'xe ưu tiên?' });
    expect(e.outcome.status).toBe('ESCALATED_REVIEW');
    expect((await trail(e.claimed.id)).at(-1)).toMatchObject({ action: 'case.escalate', reason: 'xe ưu tiên?' });
  });

  it('four eyes: a flagged or large approval goes to a supervisor, never the same person', async () => {
    const [flagged] = await seedReviewCases(ctx.db, 'HCM-1', 1, { flags: ['CLASS_MISMATCH'] });
    const [large] = await seedReviewCases(ctx.db, 'HCM-1', 1, { dueInDays: 20, fineMin: 30_000_000, fineMax: 40_000_000, fineAmount: 35_000_000 });
    const s1 = officer(['REVIEWER', 'SUPERVISOR']);
    const s2 = officer(['SUPERVISOR']);
    const reviewer = officer();
    // S1 reviews the flagged case as a reviewer.
    expect((await claimNext(deps, s1, { queue: 'REVIEW' }))?.id).toBe(flagged);
    expect((await decide(deps, s1, flagged!, { decision: 'APPROVE' })).status).toBe('ESCALATED_REVIEW');
    expect((await claimAndDecide(reviewer, { decision: 'APPROVE' })).outcome.status).toBe('ESCALATED_REVIEW');
    expect(await caseRow(large!)).toMatchObject({ status: 'ESCALATED_REVIEW', approvedAmount: 35_000_000 });
    // S1 is handed only the case it did not decide.
    expect((await claimNext(deps, s1, { queue: 'ESCALATED' }))?.id).toBe(large);
    expect((await claimNext(deps, s2, { queue: 'ESCALATED' }))?.id).toBe(flagged);
    // A reviewer has no escalated queue, and cannot decide an escalated case.
    expect((await rejection(claimNext(deps, reviewer, { queue: 'ESCALATED' }))).code).toBe('NOT_FOUND');
    // Even holding a claim on it (forced here), the first approver cannot approve as supervisor.
    await releaseClaim(deps, s1, large!);
    await releaseClaim(deps, s2, flagged!);
    await ctx.db.$executeRaw`UPDATE "case" SET claimed_by = ${s1.officerId}::uuid, claim_id = gen_random_uuid(), claim_expires_at = now() + interval '1 hour' WHERE id = ${flagged}::uuid`;
    expect((await rejection(decide(deps, s1, flagged!, { decision: 'APPROVE' }))).message).toMatch(/decided this case before/);
    await ctx.db.$executeRaw`UPDATE "case" SET claimed_by = NULL, claim_id = NULL, claim_expires_at = NULL WHERE id = ${flagged}::uuid`;
    expect((await claimNext(deps, s2))?.id).toBe(flagged);
    expect((await decide(deps, s2, flagged!, { decision: 'APPROVE' })).status).toBe('APPROVED');
    expect((await trail(flagged!)).filter((e) => e.to).map((e) => [e.action, e.to])).toEqual([
      ['case.escalate', 'ESCALATED_REVIEW'],
      ['case.supervisor-approve', 'APPROVED'],
    ]);
    expect(await verifyAuditChain(ctx.db, 'case', flagged!)).toBeNull();
  });

  it('lowering a fine proposed above the supervisor threshold to just under it still goes to a supervisor', async () => {
    deps.qaSampleRate = 0;
    const [big] = await seedReviewCases(ctx.db, 'HCM-1', 1, { dueInDays: -1, fineMin: 20_000_000, fineMax: 26_000_000, fineAmount: 23_000_000 });
    const r = officer();
    expect((await claimNext(deps, r))?.id).toBe(big);
    expect((await decide(deps, r, big!, { decision: 'APPROVE', amount: 20_000_000, reason: 'vi phạm lần đầu' })).status).toBe('ESCALATED_REVIEW');
    expect(await caseRow(big!)).toMatchObject({ approvedAmount: 20_000_000 });
  });

  it("an operator's move racing claim renewals on the same cases never forks their audit chains", async () => {
    const ids = await seedReviewCases(ctx.db, 'HCM-1', 8);
    const officers = ids.map(() => officer());
    const claims = await Promise.all(officers.map((o) => claimNext(deps, o)));
    expect(new Set(claims.map((c) => c!.id)).size).toBe(ids.length);
    // Every officer renews over and over while the operator sends all the cases back.
    const renewing = officers.map(async (o, i) => {
      for (let k = 0; k < 15; k++) await renewClaim(deps, o, claims[i]!.id).catch(() => undefined);
    });
    const moved = reassessCases(ctx.db, { select: { caseIds: ids }, actor: 'admin-cli:ops', reason: 'rule withdrawn' });
    await Promise.all([...renewing, moved]);
    expect(await moved).toBe(ids.length);
    for (const id of ids) expect(await verifyAuditChain(ctx.db, 'case', id)).toBeNull();
  });

  it('a case that moved meanwhile answers 409 with its state; a double submit records one decision', async () => {
    await seedReviewCases(ctx.db, 'HCM-1', 2);
    const a = officer();
    const first = await claimNext(deps, a);
    await reassessCases(ctx.db, { select: { caseIds: [first!.id] }, actor: 'admin-cli:ops', reason: 'test' });
    const moved = await rejection(decide(deps, a, first!.id, { decision: 'APPROVE' }));
    expect(moved.status).toBe(409);
    expect(moved.details).toEqual({ status: 'OWNER_RESOLVED' });
    expect(await caseRow(first!.id)).toMatchObject({ claimedBy: null });

    const second = await claimNext(deps, a);
    const d: TDecisionInput = { decision: 'REJECT', reason: 'DUPLICATE' };
    const both = await Promise.all([decide(deps, a, second!.id, d), decide(deps, a, second!.id, d)]);
    expect(both.map((o) => o.replayed).sort()).toEqual([false, true]);
    expect(both[0]!.decisionId).toBe(both[1]!.decisionId);
    expect(await ctx.db.reviewDecision.count({ where: { caseId: second!.id } })).toBe(1);
    // A different decision afterwards is a conflict, not a second decision.
    expect((await rejection(decide(deps, a, second!.id, { decision: 'APPROVE' }))).details).toEqual({ status: 'REJECTED' });
  });
});

describe('QA sampling', () => {
  it('at rate 1 every reviewer approval gets a blind second review; agreement approves, disagreement goes to a supervisor', async () => {
    deps.qaSampleRate = 1;
    const [one, two] = await seedReviewCases(ctx.db, 'HCM-1', 2);
    const first = officer();
    await claimAndDecide(first, { decision: 'APPROVE' });
    await claimAndDecide(first, { decision: 'APPROVE', amount: 18_000_000, reason: 'hợp tác' });
    expect(await caseRow(one!)).toMatchObject({ status: 'QA_REVIEW' });
    // The first reviewer is never handed them again.
    expect(await claimNext(deps, first)).toBeNull();
    const qa = officer();
    const blind = await claimNext(deps, qa);
    expect(blind).toMatchObject({ id: one, queue: 'QA', fineAmount: 19_000_000 });
    expect(blind).not.toHaveProperty('approvedAmount');
    expect((await decide(deps, qa, one!, { decision: 'APPROVE' })).status).toBe('APPROVED');
    expect(await ctx.db.reviewDecision.findFirst({ where: { caseId: one!, qa: true } })).toMatchObject({ officerId: qa.officerId, qaDisagrees: false });
    // The second: QA would reject; a supervisor settles it.
    expect((await claimNext(deps, qa))?.id).toBe(two);
    expect((await decide(deps, qa, two!, { decision: 'REJECT', reason: 'PLATE_MISREAD' })).status).toBe('ESCALATED_REVIEW');
    expect(await ctx.db.reviewDecision.findFirst({ where: { caseId: two!, qa: true } })).toMatchObject({ reasonCode: 'PLATE_MISREAD', qaDisagrees: true });
    const sup = officer(['SUPERVISOR']);
    expect((await claimNext(deps, sup))?.id).toBe(two);
    expect((await decide(deps, sup, two!, { decision: 'REJECT', reason: 'PLATE_MISREAD' })).status).toBe('REJECTED');
    expect((await trail(two!)).filter((e) => e.to).map((e) => e.action)).toEqual(['case.approve', 'case.qa-disagree', 'case.supervisor-reject']);
  });

  it("a QA reviewer's plain approval is at the proposed amount, never silently the first reviewer's hidden one", async () => {
    deps.qaSampleRate = 1;
    const [lowered, again] = await seedReviewCases(ctx.db, 'HCM-1', 2, { dueInDays: 0 });
    const first = officer();
    await claimAndDecide(first, { decision: 'APPROVE', amount: 18_000_000, reason: 'hoàn cảnh khó khăn' });
    await claimAndDecide(first, { decision: 'APPROVE', amount: 18_000_000, reason: 'hoàn cảnh khó khăn' });
    const qa = officer();
    // Approving as shown (the proposed 19,000,000) disagrees with the hidden 18,000,000.
    expect((await claimNext(deps, qa))?.id).toBe(lowered);
    expect((await decide(deps, qa, lowered!, { decision: 'APPROVE' })).status).toBe('ESCALATED_REVIEW');
    expect(await ctx.db.reviewDecision.findFirst({ where: { caseId: lowered!, qa: true } })).toMatchObject({ amount: 19_000_000, qaDisagrees: true });
    // Reaching the same amount on their own (with their reason) agrees.
    expect((await claimNext(deps, qa))?.id).toBe(again);
    expect((await decide(deps, qa, again!, { decision: 'APPROVE', amount: 18_000_000, reason: 'xe cứu thương đi làm nhiệm vụ?' })).status).toBe('APPROVED');
    expect(await caseRow(again!)).toMatchObject({ approvedAmount: 18_000_000 });
  });

  it('at rate 0 no approval is sampled', async () => {
    deps.qaSampleRate = 0;
    const ids = await seedReviewCases(ctx.db, 'HCM-1', 5);
    const a = officer();
    for (let i = 0; i < ids.length; i++) await claimAndDecide(a, { decision: 'APPROVE' });
    expect(await ctx.db.case.count({ where: { id: { in: ids }, status: 'APPROVED' } })).toBe(5);
  });
});

describe('the queue', () => {
  it('lists by deadline with counts per flag and the cases due within 2 days marked', async () => {
    await seedReviewCases(ctx.db, 'HCM-1', 2, { dueInDays: 5 });
    await seedReviewCases(ctx.db, 'HCM-1', 1, { dueInDays: 0, flags: ['LOW_CONFIDENCE_READ', 'CLASS_MISMATCH'] });
    await seedReviewCases(ctx.db, 'HCM-1', 1, { agency: AGENCY_B });
    const q = await listQueue(ctx.db, officer());
    expect(q.total).toBe(3);
    expect(q.cases.map((c) => c.dueSoon)).toEqual([true, false, false]);
    expect(q.cases[0]!.flags).toEqual(['LOW_CONFIDENCE_READ', 'CLASS_MISMATCH']);
    expect(q.flagCounts).toEqual({ LOW_CONFIDENCE_READ: 1, CLASS_MISMATCH: 1 });
    const flagged = await listQueue(ctx.db, officer(), { flag: 'CLASS_MISMATCH', site: 'HCM-1', violation: 'RED_LIGHT' });
    expect(flagged.cases).toHaveLength(1);
    expect(flagged.flagCounts).toEqual({ LOW_CONFIDENCE_READ: 1, CLASS_MISMATCH: 1 });
    expect((await listQueue(ctx.db, officer(), { site: 'NOWHERE' })).total).toBe(0);
    expect((await listQueue(ctx.db, officer(), { camera: 'HCM-CAM' })).total).toBe(0);
  });
});

describe('decisions that send a case back through the pipeline', () => {
  const inReview = (eventId: string, ok: (c: Awaited<ReturnType<typeof caseRow>>) => boolean = () => true) => async () => {
    const ev = await ctx.db.cameraEvent.findFirst({ where: { deviceEventId: eventId } });
    const c = ev?.caseId ? await caseRow(ev.caseId) : null;
    return c?.status === 'PENDING_REVIEW' && ok(c) ? c : null;
  };
  /** A camera event through the real pipeline to review, the case then given to agency A (as src/accounts will at dedup). */
  const reviewCase = async (event: ReturnType<typeof makeEvent>) => {
    const api = await startApi(ctx);
    const p = startPipeline(ctx);
    try {
      expect((await postEvent({ baseUrl: api.baseUrl, cameraCode: 'HCM-CAM', secret: CAMERA_SECRET }, event)).status).toBe(202);
      const c = await eventually(inReview(event.eventId), 20_000, 'case in review');
      await ctx.db.$executeRaw`UPDATE "case" SET detecting_agency_id = ${officer().agencyId}::uuid WHERE id = ${c.id}::uuid`;
      return { c, stop: async () => Promise.all([api.close(), p.stop()]) };
    } catch (err) {
      await Promise.all([api.close(), p.stop()]);
      throw err;
    }
  };

  it('CHANGE_ACT re-assesses the case under the new act', async () => {
    const event = makeEvent({ plate: { text: '51F-300.01', confidence: 0.97, color: 'WHITE' } });
    const { c, stop } = await reviewCase(event);
    try {
      expect(c).toMatchObject({ violation: 'RED_LIGHT', fineAmount: 19_000_000 });
      const a = officer();
      expect((await claimNext(deps, a))?.id).toBe(c.id);
      expect((await decide(deps, a, c.id, { decision: 'CHANGE_ACT', violation: 'NO_SEATBELT', note: 'ảnh cho thấy không thắt dây an toàn' })).status).toBe('OWNER_RESOLVED');
      const again = await eventually(inReview(event.eventId, (x) => x.violation === 'NO_SEATBELT'), 20_000, 're-assessed case');
      expect(again).toMatchObject({ legalBasis: 'điểm k khoản 3 Điều 6 Nghị định 168/2024/NĐ-CP', fineAmount: 900_000, claimedBy: null });
      const steps = (await trail(c.id)).filter((e) => e.to).map((e) => [e.actor, e.action, e.to]);
      expect(steps.slice(4)).toEqual([
        [`officer:${a.username}`, 'case.reassess', 'OWNER_RESOLVED'],
        ['system:fine', 'case.assess', 'FINE_ASSESSED'],
        ['system:fine', 'case.queue-for-review', 'PENDING_REVIEW'],
      ]);
      const decision = await ctx.db.reviewDecision.findFirstOrThrow({ where: { caseId: c.id } });
      expect(decision).toMatchObject({ kind: 'CHANGE_ACT', value: 'NO_SEATBELT', toState: 'OWNER_RESOLVED' });
      // The re-assessment's audit entry names the decision, its claim and the officer.
      const reassessed = await ctx.db.auditEntry.findFirstOrThrow({ where: { entityId: c.id, action: 'case.reassess' } });
      expect(reassessed.data).toMatchObject({ decision: 'CHANGE_ACT', claimId: decision.claimId, officerId: a.officerId, violation: { from: 'RED_LIGHT', to: 'NO_SEATBELT' } });
      expect(await verifyAuditChain(ctx.db, 'case', c.id)).toBeNull();
    } finally {
      await stop();
    }
  });

  it('CORRECT_PLATE goes back through the owner look-up with the corrected plate, audited old → new', async () => {
    const event = makeEvent({ plate: { text: '51F-300.07', confidence: 0.97, color: 'WHITE' } });
    const { c, stop } = await reviewCase(event);
    try {
      expect(c.flags).toContain('UNREGISTERED_PLATE');
      expect(c.ownerId).toBeNull();
      const a = officer();
      await claimNext(deps, a);
      expect((await rejection(decide(deps, a, c.id, { decision: 'CORRECT_PLATE', plate: 'not a plate' }))).code).toBe('INVALID_PLATE');
      expect((await decide(deps, a, c.id, { decision: 'CORRECT_PLATE', plate: '51F-300.01' })).status).toBe('DETECTED');
      const again = await eventually(inReview(event.eventId, (x) => x.ownerId !== null), 20_000, 'case with its owner');
      expect(again).toMatchObject({ plate: '51F30001', plateRaw: c.plateRaw });
      expect(again.flags).not.toContain('UNREGISTERED_PLATE');
      const corrected = (await trail(c.id)).find((e) => e.action === 'case.reresolve');
      expect(corrected).toMatchObject({ actor: `officer:${a.username}`, to: 'DETECTED', data: { decision: 'CORRECT_PLATE', plate: { from: c.plate, to: '51F30001' } } });
      expect(await verifyAuditChain(ctx.db, 'case', c.id)).toBeNull();
    } finally {
      await stop();
    }
  });
});
