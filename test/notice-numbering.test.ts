import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueNotices, formatNoticeNumber, ZNoticeNumberPattern, type TNoticeDocument, type TNoticeStageDeps, verifyAccessCode, normaliseAccessCode, generateAccessCode } from '../src/notices/index.ts';
import { channelPlan, nextChannel } from '../src/dispatch/index.ts';
import { adminRunner } from './support/admin.ts';
import { seedApprovedCase } from './support/approved-case.ts';
import { createTestContext, seedSite, testServices, type TTestContext } from './support/context.ts';
import { loadTestHolidays } from './support/holidays.ts';

/** A stand-in renderer: these tests are about numbers, not layout (test/notice-pdf.test.ts is). */
const textRender = async (doc: TNoticeDocument) => Buffer.from(JSON.stringify({ number: doc.number, code: doc.access.code, owner: doc.owner.name }));

let ctx: TTestContext;
let services: ReturnType<typeof testServices>;
let deps: TNoticeStageDeps;

beforeAll(async () => {
  ctx = await createTestContext();
  services = testServices(ctx);
  await seedSite(ctx.db);
  await loadTestHolidays(ctx.db);
  deps = {
    db: ctx.db,
    evidence: services.evidence(),
    notices: services.noticeFiles(),
    calendar: new (await import('../src/clock/index.ts')).CalendarCache(ctx.db),
    publicBaseUrl: 'https://phatnguoi.example.vn',
    channels: ['EMAIL', 'EID', 'POST'],
    render: textRender,
  };
});
afterAll(async () => {
  await services.close();
  await ctx.close();
});

describe('notice numbers', () => {
  it('formats the default and an agency pattern, and refuses patterns without exactly one {seq}', () => {
    expect(formatNoticeNumber('{seq:6}/{year}/TB-{code}', { seq: 123, year: 2026, code: 'PC08' })).toBe('000123/2026/TB-PC08');
    expect(formatNoticeNumber('{year}-{seq:4}/PG/CATP', { seq: 7, year: 2026, code: 'X' })).toBe('2026-0007/PG/CATP');
    expect(ZNoticeNumberPattern.safeParse('{seq}/{seq}').success).toBe(false);
    expect(ZNoticeNumberPattern.safeParse('TB-{code}').success).toBe(false);
    expect(ZNoticeNumberPattern.safeParse('{seq:6}/{year}/TB-{agency}').success).toBe(false);
    expect(ZNoticeNumberPattern.safeParse('{seq:6}/TB-{code}').success).toBe(false);
    expect(ZNoticeNumberPattern.safeParse('{seq:6}/{year}/TB-{code}').success).toBe(true);
    expect(ZNoticeNumberPattern.safeParse('{year}-{code}{seq:4}').success).toBe(false);
    expect(ZNoticeNumberPattern.safeParse('{year}/TB{code}-{seq}').success).toBe(false);
  });

  it('access codes: random, typed loosely, verified against their hash only', async () => {
    const code = generateAccessCode();
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(generateAccessCode()).not.toBe(code);
    const hash = await (await import('../src/notices/index.ts')).hashAccessCode(code);
    expect(hash).not.toContain(normaliseAccessCode(code));
    expect(await verifyAccessCode(code.toLowerCase().replace('-', ' '), hash)).toBe(true);
    expect(await verifyAccessCode('00000-00000', hash)).toBe(false);
    expect(await verifyAccessCode('not a code at all', hash)).toBe(false);
  });

  it('many notice jobs at once, crashing between numbering and recording: numbers 1..N with no hole and no repeat', async () => {
    const agencyId = randomUUID();
    const N = 30;
    const cases: string[] = [];
    for (let i = 0; i < N; i++) cases.push((await seedApprovedCase(ctx.db, deps.evidence, { agencyId, agencyCode: 'PC08-SEQ', plate: `51F${String(10000 + i)}` })).caseId);
    // Each "worker" crashes at random after its number was assigned (the renderer dies) and
    // is run again, as BullMQ retries a job; six of them take the same cases at once.
    let crashes = 0;
    const crashing: TNoticeStageDeps = {
      ...deps,
      render: async (doc) => {
        if (Math.random() < 0.4) {
          crashes++;
          throw new Error('worker died');
        }
        return textRender(doc);
      },
    };
    for (let round = 0; round < 20; round++) {
      const left = (await ctx.db.case.findMany({ where: { id: { in: cases }, status: 'APPROVED' }, select: { id: true } })).map((c) => c.id);
      if (left.length === 0) break;
      await Promise.all(Array.from({ length: 6 }, (_, w) => issueNotices(crashing, w % 2 ? [...left].reverse() : left)));
    }
    expect(crashes).toBeGreaterThan(0);
    const notices = await ctx.db.notice.findMany({ where: { agencyId }, orderBy: { seq: 'asc' } });
    expect(notices.map((n) => n.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(new Set(notices.map((n) => n.caseId)).size).toBe(N);
    expect(notices.every((n) => n.pdfSha256 && n.accessCodeHash)).toBe(true);
    expect(notices[0]!.number).toMatch(/^000001\/20\d\d\/TB-PC08-SEQ$/);
    const seq = await ctx.db.noticeSequence.findMany({ where: { agencyId } });
    expect(seq.map((s) => s.last)).toEqual([N]);
    expect(await ctx.db.case.count({ where: { id: { in: cases }, status: 'NOTICE_ISSUED' } })).toBe(N);
    // One issue entry per case, one numbering entry per notice, one first delivery each.
    expect(await ctx.db.auditEntry.count({ where: { entityId: { in: cases }, action: 'case.issue-notice' } })).toBe(N);
    expect(await ctx.db.auditEntry.count({ where: { entityType: 'notice', entityId: { in: notices.map((n) => n.id) }, action: 'notice.number' } })).toBe(N);
    const deliveries = await ctx.db.delivery.findMany({ where: { noticeId: { in: notices.map((n) => n.id) } } });
    expect(deliveries).toHaveLength(N);
    expect(deliveries.every((d) => d.channel === 'EMAIL' && d.status === 'PENDING' && d.address === 'binh.tran@example.vn')).toBe(true);
    expect(await ctx.db.outboxMessage.count({ where: { queue: 'dispatch', entityId: { in: deliveries.map((d) => d.id) } } })).toBe(N);
    // The stored PDF is the one the notice names.
    const stored = await import('node:fs/promises').then((fs) => fs.readFile(deps.notices.pathOf(notices[0]!.pdfSha256!)));
    expect(JSON.parse(stored.toString()).number).toBe(notices[0]!.number);
    // A job handed the same cases again changes nothing.
    const again = await issueNotices(deps, cases);
    expect(again.every((o) => !(o instanceof Error) && o.kind === 'already-issued')).toBe(true);
  });

  it('each agency has its own sequence, restarting each year (Vietnam time), in its own pattern', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const one = await seedApprovedCase(ctx.db, deps.evidence, { agencyId: a, agencyCode: 'PC08-A' });
    const two = await seedApprovedCase(ctx.db, deps.evidence, { agencyId: b, agencyCode: 'PC08-B', noticeNumberPattern: '{year}-{seq:4}/TB/{code}' });
    const three = await seedApprovedCase(ctx.db, deps.evidence, { agencyId: a });
    // 31 Dec 2026 23:30 in Vietnam is still 2026; 00:10 on 1 Jan 2027 is the next year.
    await issueNotices({ ...deps, now: () => new Date('2026-12-31T16:30:00Z') }, [one.caseId, two.caseId]);
    await issueNotices({ ...deps, now: () => new Date('2026-12-31T17:10:00Z') }, [three.caseId]);
    const byCase = new Map((await ctx.db.notice.findMany({ where: { caseId: { in: [one.caseId, two.caseId, three.caseId] } } })).map((n) => [n.caseId, n]));
    expect(byCase.get(one.caseId)).toMatchObject({ year: 2026, seq: 1, number: '000001/2026/TB-PC08-A' });
    expect(byCase.get(two.caseId)).toMatchObject({ year: 2026, seq: 1, number: '2026-0001/TB/PC08-B' });
    expect(byCase.get(three.caseId)).toMatchObject({ year: 2027, seq: 1, number: '000001/2027/TB-PC08-A' });
  });

  it("an operator sets what an agency's notices print and its number pattern (checked, audited)", async () => {
    const admin = adminRunner(() => ({ db: ctx.db, services }));
    const agencyId = randomUUID();
    const c = await seedApprovedCase(ctx.db, deps.evidence, { agencyId, agencyCode: 'PC08-SET' });
    const bad = await admin('agency', 'set-notice', 'PC08-SET', '--number-pattern', '{seq}/TB');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/year/);
    const ok = await admin('agency', 'set-notice', 'PC08-SET', '--phone', '028 3920 0000', '--parent-name', 'CÔNG AN THÀNH PHỐ HỒ CHÍ MINH', '--number-pattern', '{year}-{seq:4}/TB-{code}');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('028 3920 0000');
    await issueNotices(deps, [c.caseId]);
    const n = await ctx.db.notice.findUniqueOrThrow({ where: { caseId: c.caseId } });
    expect(n.number).toMatch(/^20\d\d-0001\/TB-PC08-SET$/);
    expect(await ctx.db.auditEntry.count({ where: { entityId: agencyId, action: 'agency.set-notice-details' } })).toBe(1);
  });

  it("an owner who asked for English gets notices in English (recorded by an operator, audited; imports leave it alone)", async () => {
    const admin = adminRunner(() => ({ db: ctx.db, services }));
    const c = await seedApprovedCase(ctx.db, deps.evidence, { owner: { idNumber: '079190005555', name: 'John Smith' } });
    const set = await admin('registry', 'owner-language', '079190005555', '--language', 'en');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('John Smith: notices in en');
    expect((await admin('registry', 'owner-language', '079190005555', '--language', 'fr')).code).not.toBe(0);
    expect((await admin('registry', 'owner-language', '000000000000', '--language', 'en')).stderr).toMatch(/no person owner/);
    let rendered: TNoticeDocument | undefined;
    await issueNotices({ ...deps, render: async (doc) => ((rendered = doc), textRender(doc)) }, [c.caseId]);
    expect((await ctx.db.notice.findUniqueOrThrow({ where: { caseId: c.caseId } })).language).toBe('en');
    expect(rendered?.language).toBe('en');
    expect(rendered?.issuer.signerTitle).toBe('FOR THE HEAD OF DIVISION\nDEPUTY HEAD OF DIVISION');
    expect(await ctx.db.auditEntry.count({ where: { entityId: c.ownerId, action: 'owner.notice-language' } })).toBe(1);
  });

  it("prints the 20-day date from the expected sending: the post after the day's batch hour goes out the next day", async () => {
    const { ownerResponseDue, startOfDay } = await import('../src/clock/index.ts');
    const cal = await deps.calendar.get();
    const docs: TNoticeDocument[] = [];
    const capture: TNoticeStageDeps = { ...deps, postBatchHour: 15, render: async (doc) => (docs.push(doc), textRender(doc)) };
    const post = await seedApprovedCase(ctx.db, deps.evidence, { owner: { email: null, ownerType: 'ORGANISATION', name: 'Công ty TNHH Bưu Chính' } });
    const mail = await seedApprovedCase(ctx.db, deps.evidence);
    // 16:00 in Vietnam: past the day's print batch.
    await issueNotices({ ...capture, now: () => new Date('2026-12-01T09:00:00Z') }, [post.caseId, mail.caseId]);
    expect(docs.map((d) => d.responseDue.lastDay)).toEqual([
      ownerResponseDue(startOfDay('2026-12-02'), cal).lastDay,
      ownerResponseDue(new Date('2026-12-01T09:00:00Z'), cal).lastDay,
    ]);
  });

  it('no notice, and no number used, for a capture past its 1-year limitation', async () => {
    const agencyId = randomUUID();
    const old = await seedApprovedCase(ctx.db, deps.evidence, { agencyId });
    await ctx.db.case.update({ where: { id: old.caseId }, data: { firstCapturedAt: new Date(Date.now() - 400 * 86_400_000) } });
    expect(await issueNotices(deps, [old.caseId])).toEqual([{ kind: 'time-barred' }]);
    expect(await ctx.db.notice.count({ where: { agencyId } })).toBe(0);
    expect(await ctx.db.noticeSequence.count({ where: { agencyId } })).toBe(0);
  });

  it("falls back by the configured order even when the owner's details changed since (the failed channel is not in today's plan)", () => {
    const owner = { ownerType: 'PERSON' as const, idNumber: '079190001234', email: null, phone: '0903000111', address: '1 Lê Lợi' };
    const order = ['EMAIL', 'EID', 'SMS', 'POST'] as const;
    expect(nextChannel(channelPlan(owner, order), 'EMAIL', order)).toEqual({ channel: 'EID', address: '079190001234' });
    expect(nextChannel(channelPlan(owner, order), 'SMS', order)).toEqual({ channel: 'POST', address: '1 Lê Lợi' });
    expect(nextChannel(channelPlan(owner, order), 'POST', order)).toBeNull();
  });

  it('an owner without e-mail gets the next channel first; a case no longer approved is left alone', async () => {
    const noMail = await seedApprovedCase(ctx.db, deps.evidence, { owner: { email: null } });
    const org = await seedApprovedCase(ctx.db, deps.evidence, { owner: { email: null, ownerType: 'ORGANISATION', name: 'Công ty TNHH Vận tải Sài Gòn' } });
    const rejected = await seedApprovedCase(ctx.db, deps.evidence);
    await ctx.db.case.update({ where: { id: rejected.caseId }, data: { status: 'REJECTED' } });
    const out = await issueNotices(deps, [noMail.caseId, org.caseId, rejected.caseId, randomUUID()]);
    expect(out.map((o) => (o instanceof Error ? o.message : o.kind))).toEqual(['issued', 'issued', 'not-approved', 'missing']);
    const first = async (caseId: string) => (await ctx.db.delivery.findFirstOrThrow({ where: { notice: { caseId } } })).channel;
    expect(await first(noMail.caseId)).toBe('EID');
    // Organisations have no e-ID account here: the post.
    expect(await first(org.caseId)).toBe('POST');
    expect(await ctx.db.notice.count({ where: { caseId: rejected.caseId } })).toBe(0);
  });
});
