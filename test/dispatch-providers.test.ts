import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bench/free-port.ts';
import type { TServices } from '../src/compose.ts';
import { loadConfig } from '../src/config/index.ts';
import { DeliveryWaits, httpChannel } from '../src/dispatch/index.ts';
import { signBody } from '../src/events/index.ts';
import { createTestContext, seedSite, startApi, testServices, type TTestContext } from './support/context.ts';
import { seedNoticeToDispatch } from './support/dispatch-notice.ts';
import { startProviderStub } from './support/provider-stub.ts';

const EID_KEY = 'eid-shared-secret-of-at-least-32-characters';
const SMS_KEY = 'sms-shared-secret-of-at-least-32-characters';

let ctx: TTestContext;
let noticeDir: string;
let services: TServices;
let eid: Awaited<ReturnType<typeof startProviderStub>>;
let sms: Awaited<ReturnType<typeof startProviderStub>>;
let env: Record<string, string>;

const deliveriesOf = async (noticeId: string) =>
  (await ctx.db.delivery.findMany({ where: { noticeId }, orderBy: { createdAt: 'asc' } })).map((d) => [d.channel, d.status]);

const issue = (o: Parameters<typeof seedNoticeToDispatch>[1] = {}) =>
  seedNoticeToDispatch({ db: ctx.db, evidence: services.evidence(), notices: services.noticeFiles(), calendar: services.calendar(), channels: ['EID', 'SMS', 'POST'] }, o);

beforeAll(async () => {
  ctx = await createTestContext();
  noticeDir = mkdtempSync(join(tmpdir(), 'pn-notices-'));
  await seedSite(ctx.db);
  eid = await startProviderStub(EID_KEY, 'eid');
  sms = await startProviderStub(SMS_KEY, 'sms');
  env = { NOTICE_DIR: noticeDir, DELIVERY_CHANNELS: 'EID,SMS,POST', EID_URL: eid.url, EID_KEY, SMS_URL: sms.url, SMS_KEY, PROVIDER_TIMEOUT_MS: '500' };
  services = testServices(ctx, { env });
});

afterAll(async () => {
  await services?.close();
  await eid?.close();
  await sms?.close();
  await ctx?.close();
  rmSync(noticeDir, { recursive: true, force: true });
});

describe('SMS and e-ID app adapters', () => {
  it('sends a signed request with the delivery message id as Idempotency-Key; SENT with the provider id', async () => {
    eid.setMode('ok');
    const n = await issue();
    expect(await services.stages().dispatch.handle([n.deliveryId])).toEqual([{ kind: 'sent' }]);
    const req = eid.requests.at(-1)!;
    const d = await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } });
    expect(req.signatureOk).toBe(true);
    expect(req.headers['idempotency-key']).toBe(d.messageId);
    const owner = await ctx.db.owner.findUniqueOrThrow({ where: { id: n.ownerId } });
    expect(req.body).toMatchObject({ messageId: d.messageId, channel: 'EID', to: owner.idNumber, noticeNumber: n.number, url: expect.stringContaining('/notices/') });
    expect(String(req.body.scamWarning)).toContain('không bao giờ yêu cầu nộp phạt');
    expect(d).toMatchObject({ status: 'SENT', providerMessageId: `eid-${eid.requests.length}`, attempts: 1 });
    expect((await ctx.db.case.findUniqueOrThrow({ where: { id: n.caseId } })).status).toBe('NOTIFIED');
  });

  it('a 5xx is retried: the delivery waits PENDING, then goes with the same Idempotency-Key', async () => {
    eid.setMode('unavailable');
    const n = await issue();
    const [first] = await services.stages().dispatch.handle([n.deliveryId]);
    expect(first).toBeInstanceOf(DeliveryWaits);
    expect(await ctx.db.delivery.findUniqueOrThrow({ where: { id: n.deliveryId } })).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringContaining('HTTP 503') });
    eid.setMode('ok');
    expect(await services.stages().dispatch.handle([n.deliveryId])).toEqual([{ kind: 'sent' }]);
    const keys = eid.requests.filter((r) => r.body.noticeNumber === n.number).map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(1);
    expect(await deliveriesOf(n.notice.id)).toEqual([['EID', 'SENT']]);
  });

  it('a 4xx fails the channel: FAILED, and the SMS delivery is planned and sent', async () => {
    eid.setMode('refuse');
    sms.setMode('ok');
    const n = await issue();
    expect(await services.stages().dispatch.handle([n.deliveryId])).toEqual([{ kind: 'failed' }]);
    expect(await deliveriesOf(n.notice.id)).toEqual([
      ['EID', 'FAILED'],
      ['SMS', 'PENDING'],
    ]);
    const next = await ctx.db.delivery.findFirstOrThrow({ where: { noticeId: n.notice.id, channel: 'SMS' } });
    expect(await services.stages().dispatch.handle([next.id])).toEqual([{ kind: 'sent' }]);
    expect(sms.requests.at(-1)).toMatchObject({ signatureOk: true, body: { channel: 'SMS', to: '0903123456' } });
  });

  it('no answer after the request was sent: UNKNOWN (not retried), the next channel takes over', async () => {
    eid.setMode('hang');
    const n = await issue();
    const before = eid.requests.length;
    expect(await services.stages().dispatch.handle([n.deliveryId])).toEqual([{ kind: 'unknown' }]);
    expect(eid.requests.length).toBe(before + 1);
    expect(await deliveriesOf(n.notice.id)).toEqual([
      ['EID', 'UNKNOWN'],
      ['SMS', 'PENDING'],
    ]);
  });

  it('counts deliveries by channel and outcome; a provider URL needs its key', async () => {
    const text = await services.metrics().registry.metrics();
    expect(text).toMatch(/pn_deliveries_total\{channel="EID",outcome="sent"\} [1-9]/);
    expect(text).toMatch(/pn_deliveries_total\{channel="EID",outcome="unknown"\} 1/);
    expect(text).toMatch(/pn_deliveries_total\{channel="EID",outcome="retry"\} 1/);
    expect(() => loadConfig({ SMS_URL: 'http://127.0.0.1:9/sms' })).toThrow(/SMS_KEY: required when SMS_URL is set/);
  });

  it('a provider that cannot be reached took nothing: not-sent', async () => {
    const port = await freePort();
    const ch = httpChannel({ channel: 'SMS', url: `http://127.0.0.1:${port}/x`, key: SMS_KEY, timeoutMs: 500 });
    const r = await ch.send({ deliveryId: 'd', messageId: 'm@notice', address: '0903', notice: { number: '1/TB', language: 'vi', pdf: Buffer.alloc(0), url: 'http://x' }, owner: { name: 'A' }, plate: '51F', agency: 'P' });
    expect(r).toMatchObject({ kind: 'not-sent', error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('POST /v1/deliveries/receipts', () => {
  it('records signed receipts: SENT → DELIVERED, a bounce plans the next channel; refuses bad signatures, unknown ids and other states', async () => {
    eid.setMode('ok');
    const api = await startApi(ctx, { env });
    try {
      const post = (body: unknown, o: { key?: string; channel?: string; timestamp?: string } = {}) => {
        const raw = JSON.stringify(body);
        const ts = o.timestamp ?? String(Math.floor(Date.now() / 1000));
        return fetch(`${api.baseUrl}/v1/deliveries/receipts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-channel': o.channel ?? 'EID', 'x-timestamp': ts, 'x-signature': signBody(o.key ?? EID_KEY, ts, raw) },
          body: raw,
        });
      };
      const a = await issue();
      const b = await issue();
      expect(await services.stages().dispatch.handle([a.deliveryId, b.deliveryId])).toEqual([{ kind: 'sent' }, { kind: 'sent' }]);
      const [da, db] = [await ctx.db.delivery.findUniqueOrThrow({ where: { id: a.deliveryId } }), await ctx.db.delivery.findUniqueOrThrow({ where: { id: b.deliveryId } })];

      const ok = await post({ messageId: da.messageId, status: 'DELIVERED', at: '2026-11-30T10:00:00+07:00' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ deliveryId: a.deliveryId, status: 'DELIVERED', duplicate: false });
      expect(await ctx.db.delivery.findUniqueOrThrow({ where: { id: a.deliveryId } })).toMatchObject({ status: 'DELIVERED', deliveredAt: new Date('2026-11-30T03:00:00Z') });
      const last = await ctx.db.auditEntry.findFirstOrThrow({ where: { entityId: a.deliveryId }, orderBy: { id: 'desc' } });
      expect(last).toMatchObject({ action: 'delivery.delivered', actor: 'provider:EID', fromState: 'SENT', toState: 'DELIVERED' });
      expect(await (await post({ messageId: da.messageId, status: 'DELIVERED' })).json()).toMatchObject({ duplicate: true });

      const bounced = await post({ messageId: db.messageId, status: 'BOUNCED', reason: 'app not installed' });
      expect(bounced.status).toBe(200);
      expect(await deliveriesOf(b.notice.id)).toEqual([
        ['EID', 'BOUNCED'],
        ['SMS', 'PENDING'],
      ]);
      // Its only send bounced: the notice was not served, the 20-day period starts again with the next channel's send.
      expect(await ctx.db.notice.findUniqueOrThrow({ where: { id: b.notice.id } })).toMatchObject({ sentAt: null, responseDueAt: null });
      expect((await ctx.db.case.findUniqueOrThrow({ where: { id: b.caseId } })).status).toBe('NOTICE_ISSUED');
      expect(await ctx.db.auditEntry.count({ where: { entityId: b.caseId, action: 'case.notice-returned' } })).toBe(1);
      // The one the provider got before our record of the send: try again shortly, not a refusal.
      const c = await issue();
      await ctx.db.delivery.update({ where: { id: c.deliveryId }, data: { status: 'SENDING', sendingAt: new Date() } });
      const early = await post({ messageId: (await ctx.db.delivery.findUniqueOrThrow({ where: { id: c.deliveryId } })).messageId, status: 'DELIVERED' });
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('5');
      expect(await early.json()).toMatchObject({ error: { code: 'BUSY' } });

      const wrongKey = await post({ messageId: da.messageId, status: 'DELIVERED' }, { key: SMS_KEY });
      expect(wrongKey.status).toBe(401);
      expect(await wrongKey.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
      expect((await post({ messageId: da.messageId, status: 'DELIVERED' }, { timestamp: String(Math.floor(Date.now() / 1000) - 3600) })).status).toBe(401);
      const unknownId = await post({ messageId: 'nope@notice', status: 'DELIVERED' });
      expect(unknownId.status).toBe(404);
      // The right message id under the other channel is not that channel's delivery.
      expect((await post({ messageId: da.messageId, status: 'DELIVERED' }, { channel: 'SMS', key: SMS_KEY })).status).toBe(404);
      const invalid = await post({ messageId: da.messageId, status: 'READ' });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
      const conflict = await post({ messageId: da.messageId, status: 'BOUNCED' });
      expect(conflict.status).toBe(409);
      expect(await conflict.json()).toMatchObject({ error: { code: 'CONFLICT', details: { status: 'DELIVERED' } } });
      const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toContain('/v1/deliveries/receipts');
    } finally {
      await api.close();
    }
  });
});
