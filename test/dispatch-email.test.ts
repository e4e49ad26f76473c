import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buffer } from 'node:stream/consumers';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bench/free-port.ts';
import { CalendarCache } from '../src/clock/index.ts';
import { DeliveryWaits, dispatchStage, emailChannel, type TDispatchDeps } from '../src/dispatch/index.ts';
import { ContentStore } from '../src/storage/index.ts';
import { createTestContext, seedSite, silentLogger, startPipeline, type TTestContext } from './support/context.ts';
import { seedNoticeToDispatch } from './support/dispatch-notice.ts';
import { startSmtp } from './support/smtp.ts';

let ctx: TTestContext;
let noticeDir: string;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let parts: { db: TTestContext['db']; evidence: ContentStore; notices: ContentStore; calendar: CalendarCache };
const closers: (() => Promise<unknown>)[] = [];
const FROM = 'Thông báo vi phạm <thongbao@notice.phatnguoi.local>';

/** A dispatch stage over e-mail to `smtpUrl` (the rest as compose wires it). */
const stageTo = (smtpUrl: string, o: Partial<TDispatchDeps> = {}) => {
  const email = emailChannel({ smtpUrl, from: FROM, poolSize: 3, timeoutMs: 8_000 });
  closers.push(async () => email.transporter.close());
  return dispatchStage({
    db: ctx.db,
    notices: parts.notices,
    calendar: parts.calendar,
    senders: { EMAIL: email },
    channels: ['EMAIL', 'EID', 'POST'],
    publicBaseUrl: 'https://phatnguoi.example.vn',
    sendTimeoutMs: 60_000,
    maxAttempts: 5,
    concurrency: 5,
    logger: silentLogger,
    ...o,
  });
};

const auditOf = (entityId: string) => ctx.db.auditEntry.findMany({ where: { entityId }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  ctx = await createTestContext();
  noticeDir = mkdtempSync(join(tmpdir(), 'pn-notices-'));
  parts = { db: ctx.db, evidence: new ContentStore(ctx.evidenceDir, false), notices: new ContentStore(noticeDir, false), calendar: new CalendarCache(ctx.db) };
  await seedSite(ctx.db);
  smtp = await startSmtp({ rcpt: (a) => (a.startsWith('bounce') ? { code: 550, message: '5.1.1 mailbox unknown' } : undefined) });
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await smtp?.close();
  await ctx?.close();
  rmSync(noticeDir, { recursive: true, force: true });
});

describe('dispatch by e-mail', () => {
  it('sends the notice with its PDF, a Vietnamese subject and a deterministic Message-ID; records SENT, starts the clock, case NOTIFIED', async () => {
    const n = await seedNoticeToDispatch(parts, { owner: { email: 'binh.tran@example.vn' } });
    const stage = stageTo(smtp.url);
    const before = smtp.inbox.length;
    expect(await stage.handle([n.deliveryId])).toEqual([{ kind: 'sent' }]);
    expect(smtp.inbox.length).toBe(before + 1);
    const { mail, rcpt } = smtp.inbox.at(-1)!;
    expect(rcpt).toEqual(['binh.tran@example.vn']);
    expect(mail.subject).toBe(`Thông báo vi phạm giao thông Số: ${n.number}`);
    expect(mail.messageId).toBe(`<${n.deliveryId}@notice.phatnguoi.local>`);
    expect(mail.from?.value[0]?.address).toBe('thongbao@notice.phatnguoi.local');
    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(pdf.filename).toMatch(/^thong-bao-.+\.pdf$/);
    const stored = await buffer(parts.notices.read(n.notice.pdfSha256!));
    expect(pdf.content.equals(stored)).toBe(true);
    const url = `https://phatnguoi.example.vn/notices/${n.number.split('/').map(encodeURIComponent).join('/')}`;
    for (const body of [mail.text!, mail.html as string]) {
      expect(body).toContain(url);
      expect(body).toContain('không bao giờ yêu cầu nộp phạt qua điện thoại');
      expect(body).toContain('Trần Thị Bình');
    }
    const d = await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } });
    expect(d).toMatchObject({ status: 'SENT', attempts: 1, providerMessageId: expect.stringMatching(/^Q\d+$/) });
    expect(d.sentAt).toBeInstanceOf(Date);
    const notice = await ctx.db.notice.findUniqueOrThrow({ where: { id: n.notice.id } });
    expect(notice.sentAt?.getTime()).toBe(d.sentAt!.getTime());
    expect(notice.responseDueAt!.getTime()).toBeGreaterThan(notice.sentAt!.getTime() + 19 * 86400_000);
    expect((await ctx.db.case.findUniqueOrThrow({ where: { id: n.caseId } })).status).toBe('NOTIFIED');
    expect((await auditOf(n.deliveryId)).map((a) => [a.action, a.fromState, a.toState, a.actor])).toEqual([
      ['delivery.plan', null, 'PENDING', 'system:notice'],
      ['delivery.send', 'PENDING', 'SENDING', 'system:dispatch'],
      ['delivery.sent', 'SENDING', 'SENT', 'system:dispatch'],
    ]);
    expect((await auditOf(n.caseId)).filter((a) => a.action === 'case.notified').map((a) => [a.fromState, a.toState, a.actor])).toEqual([['NOTICE_ISSUED', 'NOTIFIED', 'system:dispatch']]);
    // Handed the delivery again (a retried job), nothing more is sent.
    expect(await stage.handle([n.deliveryId])).toEqual([{ kind: 'already-done' }]);
    expect(smtp.inbox.length).toBe(before + 1);
  });

  it('sends exactly once when many jobs and two workers hold the same delivery at once', async () => {
    const n = await seedNoticeToDispatch(parts);
    const workers = [stageTo(smtp.url), stageTo(smtp.url)];
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => workers[i % 2]!.handle([n.deliveryId, n.deliveryId, n.deliveryId])));
    const kinds = results.flat().map((r) => (r instanceof Error ? r.message : r.kind));
    expect(kinds.filter((k) => k === 'sent')).toHaveLength(1);
    expect(kinds.every((k) => ['sent', 'already-taken', 'already-done', 'in-flight'].includes(k))).toBe(true);
    const mine = smtp.inbox.filter((m) => m.mail.messageId === `<${n.deliveryId}@notice.phatnguoi.local>`);
    expect(mine).toHaveLength(1);
    const d = await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } });
    expect(d).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('a 5xx refusal is a bounce: BOUNCED, and the e-ID delivery is planned', async () => {
    const n = await seedNoticeToDispatch(parts, { owner: { email: 'bounce@example.vn' } });
    expect(await stageTo(smtp.url).handle([n.deliveryId])).toEqual([{ kind: 'bounced' }]);
    const all = await ctx.db.delivery.findMany({ where: { noticeId: n.notice.id }, orderBy: { createdAt: 'asc' } });
    expect(all.map((d) => [d.channel, d.status])).toEqual([
      ['EMAIL', 'BOUNCED'],
      ['EID', 'PENDING'],
    ]);
    expect(all[0]!.lastError).toContain('550');
    const eid = await auditOf(all[1]!.id);
    expect(eid.map((a) => [a.action, a.toState, a.actor, a.reason])).toEqual([['delivery.plan', 'PENDING', 'system:dispatch', 'fallback after EMAIL']]);
    // The e-ID delivery goes on to the dispatch stage through the outbox.
    expect(await ctx.db.outboxMessage.count({ where: { entityId: all[1]!.id, queue: 'dispatch' } })).toBe(1);
    expect((await ctx.db.case.findUniqueOrThrow({ where: { id: n.caseId } })).status).toBe('NOTICE_ISSUED');
  });

  it('an owner without e-mail gets the next channel first', async () => {
    const n = await seedNoticeToDispatch(parts, { owner: { email: null } });
    expect(n.notice.deliveries.map((d) => d.channel)).toEqual(['EID']);
  });

  it('with no channel left, the case audit says the notice is undeliverable', async () => {
    const n = await seedNoticeToDispatch({ ...parts, channels: ['EMAIL'] }, { owner: { email: 'bounce2@example.vn' } });
    expect(await stageTo(smtp.url, { channels: ['EMAIL'] }).handle([n.deliveryId])).toEqual([{ kind: 'bounced' }]);
    expect(await ctx.db.delivery.count({ where: { noticeId: n.notice.id } })).toBe(1);
    const entry = (await auditOf(n.caseId)).find((a) => a.action === 'notice.undeliverable');
    expect(entry).toMatchObject({ actor: 'system:dispatch', entityType: 'case', reason: 'no delivery channel left after EMAIL' });
  });

  it('a delivery found SENDING past the send timeout is not sent again: UNKNOWN, next channel; under it, it is left alone', async () => {
    const n = await seedNoticeToDispatch(parts);
    const sendingAt = new Date(Date.now() - 30_000);
    await ctx.db.delivery.update({ where: { id: n.deliveryId }, data: { status: 'SENDING', attempts: 1, sendingAt } });
    expect(await stageTo(smtp.url).handle([n.deliveryId])).toEqual([{ kind: 'in-flight' }]);
    const before = smtp.inbox.length;
    expect(await stageTo(smtp.url, { sendTimeoutMs: 10_000 }).handle([n.deliveryId])).toEqual([{ kind: 'unknown' }]);
    expect(smtp.inbox.length).toBe(before);
    const all = await ctx.db.delivery.findMany({ where: { noticeId: n.notice.id }, orderBy: { createdAt: 'asc' } });
    expect(all.map((d) => [d.channel, d.status])).toEqual([
      ['EMAIL', 'UNKNOWN'],
      ['EID', 'PENDING'],
    ]);
  });

  it('SMTP down: the delivery waits (PENDING, nothing marked sent) and is sent once the server is back', async () => {
    const port = await freePort();
    const n = await seedNoticeToDispatch(parts);
    const stage = stageTo(`smtp://127.0.0.1:${port}`);
    const [first] = await stage.handle([n.deliveryId]);
    expect(first).toBeInstanceOf(DeliveryWaits);
    expect(stage.waitsOn?.(first as Error)).toBe(true);
    const waiting = await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } });
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1, sentAt: null });
    expect(waiting.lastError).toMatch(/ECONNREFUSED|connect/i);
    // Back to PENDING writes no outbox row: the waiting job, not a new one, tries again after its backoff.
    expect(await ctx.db.outboxMessage.count({ where: { entityId: n.deliveryId } })).toBe(1);

    // The real pipeline: the relay hands the notice stage's outbox row to the dispatch worker, which keeps waiting.
    const pipeline = startPipeline(ctx, { parts: ['relay', 'dispatch'], env: { SMTP_URL: `smtp://127.0.0.1:${port}`, NOTICE_DIR: noticeDir, DISPATCH_SEND_TIMEOUT_SECONDS: '20' } });
    closers.push(pipeline.stop);
    await expect.poll(async () => (await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } })).attempts, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(3);
    expect((await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } })).status).not.toBe('SENT');
    const back = await startSmtp({ port });
    closers.push(back.close);
    await back.received(1);
    await expect.poll(async () => (await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } })).status, { timeout: 30_000, interval: 100 }).toBe('SENT');
    expect(back.inbox).toHaveLength(1);
    const actions = (await auditOf(n.deliveryId)).map((a) => a.action);
    expect(actions.filter((a) => a === 'delivery.retry').length).toBeGreaterThanOrEqual(3);
    expect(actions.at(-1)).toBe('delivery.sent');
  });
});
