import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TServices } from '../src/compose.ts';
import { addDays, vietnamDate } from '../src/clock/index.ts';
import { ContentStore } from '../src/storage/index.ts';
import { adminRunner } from './support/admin.ts';
import { createTestContext, seedSite, silentLogger, testServices, type TTestContext } from './support/context.ts';
import { seedNoticeToDispatch } from './support/dispatch-notice.ts';

let ctx: TTestContext;
let noticeDir: string;
let services: TServices;

beforeAll(async () => {
  ctx = await createTestContext();
  noticeDir = mkdtempSync(join(tmpdir(), 'pn-notices-'));
  await seedSite(ctx.db);
  services = testServices(ctx, { env: { NOTICE_DIR: noticeDir, DELIVERY_CHANNELS: 'POST,EMAIL' } });
});

afterAll(async () => {
  await services?.close();
  await ctx?.close();
  rmSync(noticeDir, { recursive: true, force: true });
});

describe('post: the daily print batch', () => {
  it('queues post deliveries, then merges their PDFs with a manifest, marks them sent once per day, and says where the files are', async () => {
    const parts = { db: ctx.db, evidence: new ContentStore(ctx.evidenceDir, false), notices: services.noticeFiles(), calendar: services.calendar(), channels: ['POST', 'EMAIL'] as const };
    // One issuing agency: the notices are numbered 1 and 2, the batch's order.
    const agencyId = randomUUID();
    const a = await seedNoticeToDispatch(parts, { agencyId, owner: { name: 'Nguyễn Văn "An", Jr', address: '7 Hàng Bài, Phường Hoàn Kiếm, Hà Nội' } });
    const b = await seedNoticeToDispatch(parts, { agencyId, owner: { name: 'Lê Thị Hồng' } });
    const stage = services.stages().dispatch;
    expect(await stage.handle([a.deliveryId, b.deliveryId, a.deliveryId])).toEqual([{ kind: 'queued' }, { kind: 'queued' }, { kind: 'already-taken' }]);
    expect((await ctx.db.delivery.findUniqueOrThrow({ where: { id: a.deliveryId } })).status).toBe('QUEUED');
    // QUEUED is left by the print batch, not by a stage: no job for it.
    expect(await ctx.db.outboxMessage.count({ where: { entityId: a.deliveryId } })).toBe(1);

    const day = vietnamDate(new Date());
    const admin = adminRunner(() => ({ db: ctx.db, services }));
    const made = await admin('post', 'batch', '--day', day);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain(`${day}: batch made, 2 notice(s)`);
    const batch = await ctx.db.postBatch.findUniqueOrThrow({ where: { day } });
    const pdfPath = services.noticeFiles().pathOf(batch.pdfSha256);
    expect(made.stdout).toContain(`pdf\t${pdfPath}\t${batch.pdfSha256}`);
    expect(made.stdout).toContain(services.noticeFiles().pathOf(batch.manifestSha256));

    const merged = await PDFDocument.load(readFileSync(pdfPath));
    const pagesOf = async (sha: string) => (await PDFDocument.load(readFileSync(services.noticeFiles().pathOf(sha)))).getPageCount();
    const [pa, pb] = [await pagesOf(a.notice.pdfSha256!), await pagesOf(b.notice.pdfSha256!)];
    expect(merged.getPageCount()).toBe(pa + pb);
    const csv = readFileSync(services.noticeFiles().pathOf(batch.manifestSha256), 'utf8');
    expect(csv.split('\r\n')).toEqual([
      '\uFEFFnumber,owner,address,plate,pages,delivery_id',
      `${a.number},"Nguyễn Văn ""An"", Jr","7 Hàng Bài, Phường Hoàn Kiếm, Hà Nội",51F-123.45,1-${pa},${a.deliveryId}`,
      `${b.number},Lê Thị Hồng,"12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh",51F-123.45,${pa + 1}-${pa + pb},${b.deliveryId}`,
      '',
    ]);

    for (const n of [a, b]) {
      const d = await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } });
      expect(d).toMatchObject({ status: 'SENT', postBatchId: batch.id });
      expect((await ctx.db.notice.findUniqueOrThrow({ where: { id: n.notice.id } })).sentAt).toEqual(d.sentAt);
      expect((await ctx.db.case.findUniqueOrThrow({ where: { id: n.caseId } })).status).toBe('NOTIFIED');
      const last = await ctx.db.auditEntry.findFirstOrThrow({ where: { entityId: n.deliveryId }, orderBy: { id: 'desc' } });
      expect(last).toMatchObject({ action: 'delivery.sent', fromState: 'QUEUED', toState: 'SENT', actor: 'system:post-batch' });
    }

    // Once per day: made again, the same batch is found and nothing changes; a new delivery waits for the next day's batch.
    const c = await seedNoticeToDispatch(parts);
    await stage.handle([c.deliveryId]);
    const again = await admin('post', 'batch', '--day', day);
    expect(again.stdout).toContain(`${day}: batch already made, 2 notice(s)`);
    expect(await ctx.db.postBatch.count()).toBe(1);
    expect((await ctx.db.delivery.findUniqueOrThrow({ where: { id: c.deliveryId } })).status).toBe('QUEUED');

    // The scheduled task makes the next day's batch once past POST_BATCH_HOUR (15:00 Vietnam time), not before.
    const tomorrow = (hourVn: number) => new Date(`${addDays(day, 1)}T${String(hourVn).padStart(2, '0')}:30:00+07:00`);
    const taskAt = (at: Date) => testServices(ctx, { env: { NOTICE_DIR: noticeDir }, now: () => at });
    const morning = taskAt(tomorrow(9));
    expect(await morning.maintenanceTasks().find((t) => t.name === 'post-batch')!.run(silentLogger)).toEqual({ due: false });
    const afternoon = taskAt(tomorrow(16));
    expect(await afternoon.maintenanceTasks().find((t) => t.name === 'post-batch')!.run(silentLogger)).toMatchObject({ kind: 'made', day: addDays(day, 1), count: 1 });
    await Promise.all([morning.close(), afternoon.close()]);
    expect((await ctx.db.delivery.findUniqueOrThrow({ where: { id: c.deliveryId } })).status).toBe('SENT');
    const bad = await admin('post', 'batch', '--day', '2026-02-30');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--day must be YYYY-MM-DD');
  });

  it('a case resolved or time-barred before its letter went: not sent, not printed, no other channel tried, audited why', async () => {
    const parts = { db: ctx.db, evidence: new ContentStore(ctx.evidenceDir, false), notices: services.noticeFiles(), calendar: services.calendar(), channels: ['POST', 'EMAIL'] as const };
    const responded = await seedNoticeToDispatch(parts);
    const barred = await seedNoticeToDispatch(parts);
    const dispatch = services.stages().dispatch;
    // Queued for the print batch, then the case is time-barred.
    await dispatch.handle([barred.deliveryId]);
    expect((await ctx.db.delivery.findUniqueOrThrow({ where: { id: barred.deliveryId } })).status).toBe('QUEUED');
    await ctx.db.case.update({ where: { id: barred.caseId }, data: { status: 'TIME_BARRED' } });
    // The owner came in before the notice went.
    await ctx.db.case.update({ where: { id: responded.caseId }, data: { status: 'RESPONDED' } });
    await dispatch.handle([responded.deliveryId]);
    const admin = adminRunner(() => ({ db: ctx.db, services }));
    const r = await admin('post', 'batch', '--day', '2030-01-01');
    expect(r.stdout).toContain('no post deliveries waiting');
    for (const [n, status] of [[responded, 'RESPONDED'], [barred, 'TIME_BARRED']] as const) {
      const deliveries = await ctx.db.delivery.findMany({ where: { noticeId: n.notice.id } });
      expect(deliveries.map((d) => [d.channel, d.status])).toEqual([['POST', 'FAILED']]);
      expect(deliveries[0]!.lastError).toBe(`the case is ${status}: the notice is no longer sent`);
    }
    expect(await ctx.db.auditEntry.count({ where: { entityId: barred.deliveryId, action: 'delivery.stand-down' } })).toBe(1);
    // Past the capture's limitation, even before the deadlines task moved the case.
    const late = await seedNoticeToDispatch(parts);
    await ctx.db.case.update({ where: { id: late.caseId }, data: { firstCapturedAt: new Date(Date.now() - 400 * 86_400_000) } });
    expect(await dispatch.handle([late.deliveryId])).toEqual([{ kind: 'stood-down' }]);
    expect((await ctx.db.delivery.findUniqueOrThrow({ where: { id: late.deliveryId } })).lastError).toMatch(/1-year limitation/);
  });

  it('an empty day makes no batch', async () => {
    const admin = adminRunner(() => ({ db: ctx.db, services }));
    const r = await admin('post', 'batch', '--day', '2020-01-01');
    expect(r.stdout).toContain('2020-01-01: no post deliveries waiting; no batch made');
    expect(await ctx.db.postBatch.count({ where: { day: '2020-01-01' } })).toBe(0);
  });
});
