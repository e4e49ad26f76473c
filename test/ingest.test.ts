import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, signedHeaders, type TCameraCredentials } from '../scripts/camera-client.ts';
import { sampleJpegHeader, samplePng } from '../scripts/sample-images.ts';
import { setCameraStatus } from '../src/cameras/index.ts';
import { ContentStore } from '../src/storage/index.ts';
import { CAMERA_SECRET, createTestContext, SECRET_KEY, seedSite, startApi, type TTestContext } from './support/context.ts';
import { makeEvent } from './support/events.ts';
import { DEAD_PORT } from './support/urls.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let cam: TCameraCredentials;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { cameras: ['CAM-1', 'CAM-OFF'] });
  await seedSite(ctx.db, { site: 'SITE-OLD-CERT', cameras: ['CAM-OLD'], certExpiresAt: new Date(Date.now() - 86400_000) });
  await setCameraStatus({ db: ctx.db, secretKey: SECRET_KEY, actor: 'test' }, 'CAM-OFF', 'DISABLED');
  api = await startApi(ctx);
  cam = { baseUrl: api.baseUrl, cameraCode: 'CAM-1', secret: CAMERA_SECRET };
});

afterAll(async () => {
  await api.close();
  await ctx.close();
});

const countEvents = async (deviceEventId: string) => ctx.db.cameraEvent.count({ where: { deviceEventId } });

const expectError = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error as { code: string; message: string; details?: { path: string; message: string }[] };
};

const postRaw = (body: string | Buffer, headers: Record<string, string>) =>
  fetch(`${api.baseUrl}/v1/camera-events`, { method: 'POST', headers, body });

describe('POST /v1/camera-events, accepted', () => {
  it('answers 202 and stores the event, its evidence, its outbox row and its audit entry together', async () => {
    const event = makeEvent();
    const res = await postEvent(cam, event);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ eventId: event.eventId, status: 'accepted' });

    const stored = await ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId: event.eventId }, include: { evidence: true } });
    expect(stored.status).toBe('RECEIVED');
    expect(stored.plateRaw).toBe('51F-123.45');
    expect(stored.evidence).toHaveLength(1);
    const sha = stored.evidence[0]!.sha256;
    expect(existsSync(new ContentStore(ctx.evidenceDir, false).pathOf(sha))).toBe(true);
    expect(await ctx.db.outboxMessage.count({ where: { entityId: stored.id, queue: 'dedup' } })).toBe(1);
    expect(await ctx.db.auditEntry.count({ where: { entityId: stored.id, action: 'event.receive' } })).toBe(1);
  });

  it('answers a resend of the same eventId with 200 duplicate and stores nothing twice', async () => {
    const event = makeEvent();
    expect((await postEvent(cam, event)).status).toBe(202);
    const again = await postEvent(cam, event, Math.floor(Date.now() / 1000) + 1);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ eventId: event.eventId, status: 'accepted', duplicate: true });
    expect(await countEvents(event.eventId)).toBe(1);
    const stored = await ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId: event.eventId } });
    expect(await ctx.db.outboxMessage.count({ where: { entityId: stored.id, queue: 'dedup' } })).toBe(1);
    expect(await ctx.db.evidence.count({ where: { eventId: stored.id } })).toBe(1);
  });

  it('treats a resend with fields in another order as the same event', async () => {
    const event = makeEvent();
    expect((await postEvent(cam, event)).status).toBe(202);
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    expect((await postEvent(cam, reordered)).status).toBe(200);
  });

  it('answers 409 when an eventId is reused for a different event, keeping the first', async () => {
    const event = makeEvent();
    expect((await postEvent(cam, event)).status).toBe(202);
    await expectError(await postEvent(cam, { ...event, violation: 'SIGN_VIOLATION' }), 409, 'EVENT_ID_CONFLICT');
    expect((await ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId: event.eventId } })).violation).toBe('RED_LIGHT');
  });

  it('keeps one evidence file for identical images of two events, never rewriting it', async () => {
    const image = samplePng(24, 24, 4242).toString('base64');
    const evidence = [{ kind: 'image', contentType: 'image/png', data: image }];
    expect((await postEvent(cam, makeEvent({ evidence }))).status).toBe(202);
    expect((await postEvent(cam, makeEvent({ evidence }))).status).toBe(202);
    const sha = ContentStore.sha256(Buffer.from(image, 'base64'));
    expect(await ctx.db.evidence.count({ where: { sha256: sha } })).toBe(2);
    const dir = join(ctx.evidenceDir, sha.slice(0, 2), sha.slice(2, 4));
    expect(readdirSync(dir).filter((f) => f === sha)).toHaveLength(1);
  });

  it('accepts JPEG evidence and a speeding event with its speeds, storing both', async () => {
    const jpeg = sampleJpegHeader(64);
    const event = makeEvent({
      violation: 'SPEEDING',
      speed: { measuredKmh: 78, limitKmh: 60 },
      evidence: [{ kind: 'image', contentType: 'image/jpeg', data: jpeg.toString('base64') }],
    });
    expect((await postEvent(cam, event)).status).toBe(202);
    const stored = await ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId: event.eventId }, include: { evidence: true } });
    expect(stored).toMatchObject({ violation: 'SPEEDING', speedMeasuredKmh: 78, speedLimitKmh: 60, plate: '51F12345', plateFormat: 'CAR_OR_OLD_MOTORBIKE' });
    expect(stored.evidence.map((e) => [e.contentType, e.sizeBytes, e.sha256])).toEqual([['image/jpeg', jpeg.length, ContentStore.sha256(jpeg)]]);
    expect(readFileSync(new ContentStore(ctx.evidenceDir, false).pathOf(stored.evidence[0]!.sha256)).equals(jpeg)).toBe(true);
  });

  it('keeps an event whose camera certificate had expired at capture time, marked rejected, and does not queue it', async () => {
    const event = makeEvent();
    const res = await postEvent({ ...cam, cameraCode: 'CAM-OLD' }, event);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ eventId: event.eventId, status: 'rejected', reason: 'CAMERA_CERT_EXPIRED' });
    const stored = await ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId: event.eventId } });
    expect(stored).toMatchObject({ status: 'REJECTED', rejectReason: 'CAMERA_CERT_EXPIRED' });
    expect(await ctx.db.outboxMessage.count({ where: { entityId: stored.id } })).toBe(0);
  });
});

describe('POST /v1/camera-events, refused', () => {
  it('400 lists each bad field', async () => {
    const bad = makeEvent({ violation: 'JAYWALKING', plate: { text: '51F-123.45', confidence: 1.5, color: 'GREEN' }, evidence: [] });
    const err = await expectError(await postEvent(cam, bad), 400, 'VALIDATION_FAILED');
    const paths = err.details!.map((d) => d.path).sort();
    expect(paths).toEqual(['evidence', 'plate.color', 'plate.confidence', 'violation']);
    expect(await countEvents(bad.eventId)).toBe(0);
  });

  it('400 when SPEEDING lacks its speeds', async () => {
    const err = await expectError(await postEvent(cam, makeEvent({ violation: 'SPEEDING' })), 400, 'VALIDATION_FAILED');
    expect(err.details).toEqual([{ path: 'speed', message: 'required when violation is SPEEDING' }]);
  });

  it('400 for malformed JSON (signed correctly)', async () => {
    const body = '{"eventId": "x", ';
    await expectError(await postRaw(body, signedHeaders(cam, body)), 400, 'MALFORMED_JSON');
  });

  it('400 for evidence that is not valid base64', async () => {
    const event = makeEvent({ evidence: [{ kind: 'image', contentType: 'image/png', data: 'not*base64!!' }] });
    const err = await expectError(await postEvent(cam, event), 400, 'VALIDATION_FAILED');
    expect(err.details![0]!.path).toBe('evidence.0.data');
  });

  it('400 for evidence whose bytes are not the image type they claim', async () => {
    const png = samplePng(8, 8).toString('base64');
    const err = await expectError(
      await postEvent(cam, makeEvent({ evidence: [{ kind: 'image', contentType: 'image/jpeg', data: png }] })),
      400,
      'INVALID_EVIDENCE',
    );
    expect(err.details![0]!.path).toBe('evidence.0.data');
    const text = Buffer.from('hello, I am not an image at all').toString('base64');
    await expectError(await postEvent(cam, makeEvent({ evidence: [{ kind: 'image', contentType: 'image/png', data: text }] })), 400, 'INVALID_EVIDENCE');
  });

  it('400 CAPTURED_IN_FUTURE for a capture beyond the clock skew', async () => {
    const event = makeEvent({ capturedAt: new Date(Date.now() + 3600_000).toISOString() });
    await expectError(await postEvent(cam, event), 400, 'CAPTURED_IN_FUTURE');
  });

  it('accepts a capture slightly ahead of server time (within the skew)', async () => {
    expect((await postEvent(cam, makeEvent({ capturedAt: new Date(Date.now() + 60_000).toISOString() }))).status).toBe(202);
  });

  it('400 CAPTURED_BEYOND_LIMITATION for a capture older than one year', async () => {
    const old = new Date();
    old.setUTCFullYear(old.getUTCFullYear() - 1);
    old.setUTCDate(old.getUTCDate() - 1);
    await expectError(await postEvent(cam, makeEvent({ capturedAt: old.toISOString() })), 400, 'CAPTURED_BEYOND_LIMITATION');
  });

  it('400 for a capturedAt without an offset', async () => {
    const err = await expectError(await postEvent(cam, makeEvent({ capturedAt: '2026-11-20T08:15:30' })), 400, 'VALIDATION_FAILED');
    expect(err.details![0]!.path).toBe('capturedAt');
  });

  it('400 INVALID_PLATE for a plate in the wrong format', async () => {
    for (const text of ['ABC-123', '13A-123.45', '51I-123.45', '51F-12']) {
      const err = await expectError(await postEvent(cam, makeEvent({ plate: { text, confidence: 0.9, color: 'WHITE' } })), 400, 'INVALID_PLATE');
      expect(err.details![0]!.path).toBe('plate.text');
    }
  });

  it('401 without signature headers', async () => {
    const body = JSON.stringify(makeEvent());
    await expectError(await postRaw(body, { 'Content-Type': 'application/json', 'X-Camera-Id': 'CAM-1' }), 401, 'SIGNATURE_MISSING');
  });

  it('401 for a signature made with another secret or over another body', async () => {
    const event = makeEvent();
    await expectError(await postEvent({ ...cam, secret: 'wrong-secret-wrong-secret-wrong-secret' }, event), 401, 'SIGNATURE_INVALID');
    const body = JSON.stringify(event);
    const headers = signedHeaders(cam, body);
    await expectError(await postRaw(body.replace('51F-123.45', '51F-999.99'), headers), 401, 'SIGNATURE_INVALID');
    expect(await countEvents(event.eventId)).toBe(0);
  });

  it('401 for a timestamp outside ±5 minutes (an old request cannot be replayed)', async () => {
    const event = makeEvent();
    const now = Math.floor(Date.now() / 1000);
    await expectError(await postEvent(cam, event, now - 301), 401, 'TIMESTAMP_OUT_OF_WINDOW');
    await expectError(await postEvent(cam, event, now + 301), 401, 'TIMESTAMP_OUT_OF_WINDOW');
    expect(await countEvents(event.eventId)).toBe(0);
  });

  it('403 for an unknown camera and for a disabled one', async () => {
    await expectError(await postEvent({ ...cam, cameraCode: 'NOBODY' }, makeEvent()), 403, 'CAMERA_UNKNOWN');
    await expectError(await postEvent({ ...cam, cameraCode: 'CAM-OFF' }, makeEvent()), 403, 'CAMERA_DISABLED');
  });

  it('413 for a 20 MB body', async () => {
    const big = makeEvent({ evidence: [{ kind: 'image', contentType: 'image/png', data: 'A'.repeat(20 * 1024 * 1024) }] });
    const body = JSON.stringify(big);
    await expectError(await postRaw(body, signedHeaders(cam, body)), 413, 'PAYLOAD_TOO_LARGE');
    expect(await countEvents(big.eventId)).toBe(0);
  });

  it('415 for a body that is not JSON', async () => {
    const body = 'eventId=1';
    await expectError(await postRaw(body, { ...signedHeaders(cam, body), 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses an eventId that is not a plain token, and never puts a value into SQL text', async () => {
    const before = await ctx.db.cameraEvent.count();
    const res = await postEvent(cam, makeEvent({ eventId: "../../etc/passwd'; DROP TABLE camera_event;--" }));
    const err = await expectError(res, 400, 'VALIDATION_FAILED');
    expect(err.details![0]!.path).toBe('eventId');
    expect(await ctx.db.cameraEvent.count()).toBe(before);
    // A free-text field may carry quotes: it is stored verbatim, because values travel as
    // statement parameters, never as SQL text.
    const sqlish = "Ngã tư '); DROP TABLE camera_event; -- \\' OR 1=1";
    const event = makeEvent({ location: { lat: 10.8, lng: 106.7, description: sqlish } });
    expect((await postEvent(cam, event)).status).toBe(202);
    expect(await ctx.db.cameraEvent.count()).toBe(before + 1);
    expect((await ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId: event.eventId } })).locationDescription).toBe(sqlish);
  });

  it('404 in the same error shape for an unknown route', async () => {
    await expectError(await fetch(`${api.baseUrl}/v1/nothing`), 404, 'NOT_FOUND');
  });
});

describe('when PostgreSQL is unreachable', () => {
  it('answers 503 with Retry-After and stores nothing', async () => {
    const down = await startApi(ctx, { env: { DATABASE_URL: `postgresql://postgres@127.0.0.1:${DEAD_PORT}/nowhere` } });
    try {
      const event = makeEvent();
      const res = await postEvent({ ...cam, baseUrl: down.baseUrl }, event);
      await expectError(res, 503, 'DEPENDENCY_UNAVAILABLE');
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await countEvents(event.eventId)).toBe(0);
      const ready = await fetch(`${down.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      // Publicly only up/down: the driver's error (host, port) goes to the log.
      expect(await ready.json()).toEqual({ status: 'not ready', postgres: 'down', redis: 'up' });
    } finally {
      await down.close();
    }
  });
});
