import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarCache } from '../src/clock/index.ts';
import { ContentStore } from '../src/storage/index.ts';
import { adminRunner } from './support/admin.ts';
import { createTestContext, seedSite, startPipeline, type TTestContext } from './support/context.ts';
import { seedNoticeToDispatch } from './support/dispatch-notice.ts';
import { startSmtp } from './support/smtp.ts';

let ctx: TTestContext;
let noticeDir: string;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let pipeline: ReturnType<typeof startPipeline> | undefined;

/** Runs test/support/dispatch-child.ts with the test's configuration; resolves with its exit. */
const runChild = (env: Record<string, string>) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((done) => {
    const cfgEnv = { DATABASE_URL: ctx.dbUrl, QUEUE_PREFIX: ctx.prefix, EVIDENCE_DIR: ctx.evidenceDir, NOTICE_DIR: noticeDir, SMTP_URL: smtp.url, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'support/dispatch-child.ts')], { env: { ...process.env, ...cfgEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => done({ code, signal, stdout, stderr }));
  });

beforeAll(async () => {
  ctx = await createTestContext();
  noticeDir = mkdtempSync(join(tmpdir(), 'pn-notices-'));
  await seedSite(ctx.db);
  smtp = await startSmtp();
});

afterAll(async () => {
  await pipeline?.stop();
  await smtp?.close();
  await ctx?.close();
  rmSync(noticeDir, { recursive: true, force: true });
});

describe('a dispatch worker killed between the SMTP server accepting and the SENT record', () => {
  it('leaves no silent second e-mail and no silent loss: UNKNOWN, audited, next channel planned, settled by an operator', async () => {
    const parts = { db: ctx.db, evidence: new ContentStore(ctx.evidenceDir, false), notices: new ContentStore(noticeDir, false), calendar: new CalendarCache(ctx.db) };
    const n = await seedNoticeToDispatch(parts);
    const messageId = `<${n.deliveryId}@notice.phatnguoi.local>`;

    // The relay handed the delivery's outbox row to a job, which the child worker runs (it is given the id directly).
    await ctx.db.outboxMessage.deleteMany({ where: { entityId: n.deliveryId } });
    const killed = await runChild({ DISPATCH_IDS: n.deliveryId, KILL_AFTER_SMTP_ACCEPT: '1' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(smtp.inbox.filter((m) => m.mail.messageId === messageId)).toHaveLength(1);
    const left = await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } });
    expect(left).toMatchObject({ status: 'SENDING', attempts: 1, sentAt: null });

    // A second worker handed the delivery at once (a duplicate job) sees a send under way and leaves it.
    const again = await runChild({ DISPATCH_IDS: n.deliveryId });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(['in-flight']);

    // Later (the send timeout has passed: the workers' clock is moved on), the reconciler re-drives the stuck delivery.
    const later = () => new Date(Date.now() + 10 * 60_000);
    pipeline = startPipeline(ctx, { parts: ['relay', 'dispatch'], now: later, env: { NOTICE_DIR: noticeDir, SMTP_URL: smtp.url, RECONCILE_AFTER_SECONDS: '1' } });
    await expect
      .poll(async () => (await pipeline!.services.reconciler().runOnce()).flatMap((r) => r.ids), { timeout: 15_000, interval: 300 })
      .toContain(n.deliveryId);
    await expect.poll(async () => (await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } })).status, { timeout: 15_000, interval: 100 }).toBe('UNKNOWN');

    // The next channel took over (no e-ID provider is configured here, so on to the post), and the inbox still holds one message.
    await expect
      .poll(async () => (await ctx.db.delivery.findMany({ where: { noticeId: n.notice.id }, orderBy: { createdAt: 'asc' } })).map((d) => [d.channel, d.status]), { timeout: 15_000, interval: 100 })
      .toEqual([
        ['EMAIL', 'UNKNOWN'],
        ['EID', 'FAILED'],
        ['POST', 'QUEUED'],
      ]);
    expect(smtp.inbox.filter((m) => m.mail.messageId === messageId)).toHaveLength(1);
    const audit = await ctx.db.auditEntry.findMany({ where: { entityId: n.deliveryId }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.toState, a.actor])).toEqual([
      ['delivery.plan', 'PENDING', 'system:notice'],
      ['delivery.send', 'SENDING', 'system:dispatch'],
      ['delivery.outcome-unknown', 'UNKNOWN', 'system:dispatch'],
    ]);
    expect(audit.at(-1)!.reason).toMatch(/not sent again/);
    expect((await ctx.db.case.findUniqueOrThrow({ where: { id: n.caseId } })).status).toBe('NOTICE_ISSUED');

    // The operator finds it, reads the mail server's log, and settles it as sent.
    const admin = adminRunner(() => ({ db: ctx.db, services: pipeline!.services }), { actor: 'admin-cli:operator' });
    const list = await admin('deliveries', 'list', '--status', 'UNKNOWN');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(n.deliveryId);
    expect(list.stdout).toContain(n.number);
    const settled = await admin('deliveries', 'settle', n.deliveryId, '--sent', '--reason', 'mail log: queued as Q1');
    expect(settled.code, settled.stderr).toBe(0);
    expect(settled.stdout).toContain('settled as SENT');
    const d = await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } });
    expect(d.status).toBe('SENT');
    expect(d.sentAt?.getTime()).toBe(left.sendingAt!.getTime());
    const notice = await ctx.db.notice.findUniqueOrThrow({ where: { id: n.notice.id } });
    expect(notice.sentAt?.getTime()).toBe(left.sendingAt!.getTime());
    expect((await ctx.db.case.findUniqueOrThrow({ where: { id: n.caseId } })).status).toBe('NOTIFIED');
    const last = await ctx.db.auditEntry.findFirstOrThrow({ where: { entityId: n.deliveryId }, orderBy: { id: 'desc' } });
    expect(last).toMatchObject({ action: 'delivery.settle-sent', fromState: 'UNKNOWN', toState: 'SENT', actor: 'admin-cli:operator', reason: 'mail log: queued as Q1' });
    expect((await admin('deliveries', 'settle', n.deliveryId, '--failed')).code).toBe(1);
    await pipeline.stop();
    pipeline = undefined;
  });

  it('two worker processes given the same deliveries at once send each exactly once', async () => {
    const parts = { db: ctx.db, evidence: new ContentStore(ctx.evidenceDir, false), notices: new ContentStore(noticeDir, false), calendar: new CalendarCache(ctx.db) };
    const notices = [await seedNoticeToDispatch(parts), await seedNoticeToDispatch(parts), await seedNoticeToDispatch(parts)];
    const ids = notices.map((n) => n.deliveryId).join(',');
    // The jobs carry the deliveries now (the relay handed the outbox rows over).
    await ctx.db.outboxMessage.deleteMany({ where: { entityId: { in: notices.map((n) => n.deliveryId) } } });
    const runs = await Promise.all([runChild({ DISPATCH_IDS: `${ids},${ids}` }), runChild({ DISPATCH_IDS: ids })]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const kinds = runs.flatMap((r) => JSON.parse(r.stdout) as string[]);
    expect(kinds.filter((k) => k === 'sent')).toHaveLength(3);
    for (const n of notices) {
      expect(smtp.inbox.filter((m) => m.mail.messageId === `<${n.deliveryId}@notice.phatnguoi.local>`)).toHaveLength(1);
      expect(await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } })).toMatchObject({ status: 'SENT', attempts: 1 });
    }
  });
});
