import { join } from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent } from '../scripts/camera-client.ts';
import { applyRules, readRuleFile, RULE_TABLES_DIR } from '../src/fines/index.ts';
import { noticePath } from '../src/notices/index.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { claimNext, decide, type TPrincipal, type TRole } from '../src/review/index.ts';
import { CAMERA_SECRET, createTestContext, ensureTestAgency, seedSite, startApi, startPipeline, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { startSmtp } from './support/smtp.ts';

// The whole way, with every part real: a camera's event → the pipeline → two officers'
// decisions → the notice stage (number, PDF with the real renderer) → dispatch over SMTP
// → the owner's inbox; the access code read from the attached PDF opens the notice page.

const REGISTRY = [
  'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
  '51F-777.88,WHITE,CAR,Mazda,CX-5,Đỏ,PERSON,Đặng Thị Hương,079190008888,"27 Nguyễn Trãi, phường Bến Thành",TP. Hồ Chí Minh,huong.dang@example.vn,0903000111,2023-01-01,',
].join('\n');

let ctx: TTestContext;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let api: Awaited<ReturnType<typeof startApi>>;
let pipeline: ReturnType<typeof startPipeline>;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db);
  await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
  await loadTestHolidays(ctx.db);
  expect((await importRegistryCsv(ctx.db, REGISTRY, 'test')).errors).toEqual([]);
  smtp = await startSmtp();
  const env = { SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://phatnguoi.example.vn' };
  api = await startApi(ctx, { env });
  pipeline = startPipeline(ctx, { env });
}, 60_000);
afterAll(async () => {
  await pipeline?.stop();
  await api?.close();
  await smtp?.close();
  await ctx?.close();
});

describe('from a camera to the owner', () => {
  it('an approved case becomes a numbered PDF notice e-mailed once; its printed code opens the notice page', async () => {
    const agency = await ensureTestAgency(ctx.db);
    const officer = (n: number, roles: TRole[]): TPrincipal => ({
      officerId: `00000000-0000-4000-8000-00000000000${n}`,
      username: `cb${n}`,
      fullName: `Cán bộ ${n}`,
      agencyId: agency.id,
      agencyCode: agency.code,
      roles,
      scopeAgencyIds: [agency.id],
      via: 'bearer',
    });
    const event = makeEvent({ plate: { text: '51F-777.88', confidence: 0.97, color: 'WHITE' } });
    expect((await postEvent({ baseUrl: api.baseUrl, cameraCode: 'CAM-1', secret: CAMERA_SECRET }, event)).status).toBe(202);
    const c = await eventually(() => ctx.db.case.findFirst({ where: { plate: '51F77788', status: 'PENDING_REVIEW' } }), 20_000, 'the case in review');

    // The reviewer approves; a supervisor too where the case needs four eyes.
    const deps = { db: ctx.db, leaseSeconds: 600, supervisorThresholdVnd: 20_000_000, qaSampleRate: 0 };
    const reviewer = officer(1, ['REVIEWER']);
    expect((await claimNext(deps, reviewer))?.id).toBe(c.id);
    const first = await decide(deps, reviewer, c.id, { decision: 'APPROVE' });
    if (first.status === 'ESCALATED_REVIEW') {
      const supervisor = officer(2, ['REVIEWER', 'SUPERVISOR']);
      expect((await claimNext(deps, supervisor))?.id).toBe(c.id);
      expect((await decide(deps, supervisor, c.id, { decision: 'APPROVE' })).status).toBe('APPROVED');
    }

    const notified = await eventually(() => ctx.db.case.findFirst({ where: { id: c.id, status: 'NOTIFIED' }, include: { notice: { include: { deliveries: true } } } }), 30_000, 'NOTIFIED');
    const notice = notified.notice!;
    expect(notice.number).toMatch(/^000001\/\d{4}\/TB-PC08-HCM$/);
    expect(notice.sentAt).not.toBeNull();
    expect(notice.responseDueAt!.getTime()).toBeGreaterThan(notice.sentAt!.getTime() + 19 * 86_400_000);
    expect(notice.deliveries.map((d) => [d.channel, d.status, d.address])).toEqual([['EMAIL', 'SENT', 'huong.dang@example.vn']]);

    // One e-mail, its PDF the stored one, the notice's fields in it.
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.inbox).toHaveLength(1);
    const mail = smtp.inbox[0]!.mail;
    expect(mail.subject).toContain(notice.number);
    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf')!.content;
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(notice.pdfSha256);
    const { text: raw } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    const text = raw.replace(/\s+/g, ' ');
    for (const s of [notice.number, 'Đặng Thị Hương', '51F-777.88', 'Điều 6 Nghị định 168/2024/NĐ-CP', 'Phòng CSGT', 'TP. Hồ Chí Minh, ngày']) expect(text).toContain(s);
    expect(mail.text ?? '').not.toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/);

    // The code printed on the PDF opens the notice page.
    const code = /([0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5})/.exec(text)?.[1];
    expect(code).toBeDefined();
    const res = await fetch(`${api.baseUrl}${noticePath(notice.number)}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl },
      body: new URLSearchParams({ code: code! }).toString(),
    });
    expect(res.status).toBe(303);
    const page = await fetch(`${api.baseUrl}${noticePath(notice.number)}`, { headers: { cookie: res.headers.get('set-cookie')!.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('51F');
  }, 90_000);
});
