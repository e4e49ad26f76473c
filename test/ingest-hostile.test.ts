import { request, type IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, signedHeaders, type TCameraCredentials } from '../scripts/camera-client.ts';
import { CameraDirectory } from '../src/cameras/index.ts';
import { createLogger } from '../src/shared/logger.ts';
import { CAMERA_SECRET, createTestContext, SECRET_KEY, seedSite, startApi, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let cam: TCameraCredentials;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { cameras: ['CAM-1'] });
  api = await startApi(ctx);
  cam = { baseUrl: api.baseUrl, cameraCode: 'CAM-1', secret: CAMERA_SECRET };
});

afterAll(async () => {
  await api.close();
  await ctx.close();
});

type TAnswer = { status: number; headers: IncomingHttpHeaders; text: string };

/**
 * A POST over node:http, so headers go out exactly as given (fetch would add, merge or
 * refuse some). With `sendBody: false` only the headers are sent and the request is left
 * open: an answer then proves the server decided without reading the body.
 */
const send = (
  baseUrl: string,
  headers: Record<string, string>,
  body: string | Buffer,
  opts: { sendBody?: boolean } = {},
): Promise<TAnswer> =>
  new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/v1/camera-events`, { method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        if (opts.sendBody === false) req.destroy();
      });
    });
    req.on('error', reject);
    if (opts.sendBody === false) req.flushHeaders();
    else req.end(body);
  });

/** The one error shape, short, with no stack trace; returns the error. */
const expectErrorShape = (answer: TAnswer, code: string) => {
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.text.length).toBeLessThan(2048);
  expect(answer.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts:\d+/);
  const body = JSON.parse(answer.text) as { error: { code: string; message: string; details?: { path: string; message: string }[] } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  for (const key of Object.keys(body.error)) expect(['code', 'message', 'details']).toContain(key);
  if (body.error.details !== undefined) {
    for (const d of body.error.details) expect(Object.keys(d).sort()).toEqual(['message', 'path']);
  }
  return body.error;
};

const MB = 1024 * 1024;
const unsigned = { 'content-type': 'application/json', 'x-camera-id': 'CAM-1' };

describe('unknown camera ids', () => {
  it('keeps the unknown-id cache within its byte bound and never queries the database once per request', async () => {
    const bound = 32 * 1024;
    const cameras = new CameraDirectory(ctx.db, SECRET_KEY, 60_000, { unknownCacheBytes: bound });
    const local = await startApi(ctx, { cameras });
    const ask = (ids: string[]) => Promise.all(ids.map((id) => send(local.baseUrl, { ...unsigned, 'x-camera-id': id }, '{}')));
    try {
      const ids = Array.from({ length: 2000 }, (_, i) => `NOBODY-${i}-`.padEnd(64, 'z'));
      for (let i = 0; i < ids.length; i += 50) {
        for (const a of await ask(ids.slice(i, i + 50))) expect(a.status).toBe(403);
      }
      const after = cameras.stats();
      expect(after.unknownBytes).toBeLessThanOrEqual(bound);
      expect(after.unknownCodes).toBeGreaterThan(0);
      expect(after.queries).toBeLessThanOrEqual(ids.length);
      expect(after.peakQueriesInFlight).toBeLessThanOrEqual(2);

      // The most recent unknown ids are remembered: asking again, five times over, costs nothing.
      for (let round = 0; round < 5; round++) await ask(ids.slice(-100));
      // Malformed ids (too long, wrong characters) never reach the cache or the database.
      await ask(Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(15 * 1024, 'x')));
      await ask(Array.from({ length: 100 }, (_, i) => `bad id ${i}`));
      expect(cameras.stats()).toEqual(after);

      // A known camera is served as before.
      expect((await postEvent({ ...cam, baseUrl: local.baseUrl }, makeEvent())).status).toBe(202);
    } finally {
      await local.close();
    }
  });
});

describe('bodies are not read before the camera and the declared length are checked', () => {
  it('refuses an unknown camera as soon as its headers arrive, without waiting for the body', async () => {
    const a = await send(api.baseUrl, { ...unsigned, 'x-camera-id': 'NOBODY', 'content-length': String(MB) }, '', { sendBody: false });
    expectErrorShape(a, 'CAMERA_UNKNOWN');
    expect(a.status).toBe(403);
    expect(a.headers.connection).toBe('close');
  });

  it('refuses an oversized declared Content-Length from an unknown camera without reading the body', async () => {
    const a = await send(api.baseUrl, { ...unsigned, 'x-camera-id': 'NOBODY', 'content-length': String(50 * MB) }, '', { sendBody: false });
    expect(a.status).toBe(413);
    expectErrorShape(a, 'PAYLOAD_TOO_LARGE');
    expect(a.headers.connection).toBe('close');
  });

  it('refuses an oversized declared Content-Length from a known camera without reading the body', async () => {
    const a = await send(api.baseUrl, { ...unsigned, 'content-length': String(11 * MB) }, '', { sendBody: false });
    expect(a.status).toBe(413);
    expectErrorShape(a, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 503 BUSY with Retry-After while the bodies being read use up the budget, and recovers', async () => {
    const local = await startApi(ctx, { bodyBudgetBytes: MB });
    // Headers of a 900 KB body from a known camera, then only a little of it: it holds its share.
    const hold = request(`${local.baseUrl}/v1/camera-events`, { method: 'POST', headers: { ...unsigned, 'content-length': String(900 * 1024) } });
    hold.on('error', () => {});
    hold.write('x'.repeat(1024));
    // Unsigned, so an admitted probe is refused (401) after its body is read; a refused one is 503.
    const probe = () => send(local.baseUrl, unsigned, 'x'.repeat(200 * 1024));
    try {
      const busy = await eventually(async () => {
        const a = await probe();
        return a.status === 503 ? a : undefined;
      }, 10_000, 'a 503');
      expectErrorShape(busy, 'BUSY');
      expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
      hold.destroy();
      await eventually(async () => (await probe()).status === 401, 10_000, 'the budget to be released');
      expect((await postEvent({ ...cam, baseUrl: local.baseUrl }, makeEvent())).status).toBe(202);
    } finally {
      hold.destroy();
      await local.close();
    }
  });
});

describe('request log', () => {
  it('writes one short line per request at info; headers only at debug, with the signature redacted', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const local = await startApi(ctx, { logger: createLogger('debug', 'api', sink) });
    try {
      expect((await postEvent({ ...cam, baseUrl: local.baseUrl }, makeEvent())).status).toBe(202);
      expect((await send(local.baseUrl, { ...unsigned, 'x-camera-id': 'C'.repeat(15 * 1024) }, '{}')).status).toBe(403);
      const done = await eventually(async () => {
        const found = lines.filter((l) => l.level === 30 && 'status' in l);
        return found.length === 2 ? found : undefined;
      }, 5_000, 'two request lines');
      const allowed = ['level', 'time', 'pid', 'hostname', 'name', 'reqId', 'method', 'path', 'status', 'ms', 'camera', 'msg'];
      for (const line of done) {
        expect(allowed).toEqual(expect.arrayContaining(Object.keys(line)));
        expect(JSON.stringify(line).length).toBeLessThan(300);
      }
      expect(done[0]).toMatchObject({ method: 'POST', path: '/v1/camera-events', status: 202, camera: 'CAM-1' });
      expect(done[1]).toMatchObject({ method: 'POST', path: '/v1/camera-events', status: 403 });
      expect(done[1]!.camera).toBeUndefined();

      const headerLines = lines.filter((l) => l.level === 20 && typeof l.headers === 'object');
      expect(headerLines).toHaveLength(2);
      const headers = headerLines[0]!.headers as Record<string, string>;
      expect(headers['x-camera-id']).toBe('CAM-1');
      expect(headers['x-signature']).toBe('[redacted]');
      expect(JSON.stringify(lines)).not.toContain(signedHeaders(cam, '{}')['X-Signature'].slice(0, 20));
    } finally {
      await local.close();
    }
  });
});
