// The lean reference for `npm run bench`: the work a camera event cannot avoid, written
// with node:http and pg only, so the API's events/s and p99 have a lower bound measured
// in the same run. Per request: the camera's secret from a cache (one query per camera
// per process), the HMAC over the raw bytes, JSON.parse, base64 decode, a magic-number
// check, sha256, the evidence file created exclusively and flushed, then one
// INSERT … ON CONFLICT DO NOTHING of the event row, answered after it commits.
// Deliberately absent (the API must earn them back by batching and trimming): schema
// validation, evidence/audit/outbox rows, logging, metrics, error shapes.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { openSecret } from '../src/cameras/secret-box.ts';

type TCamera = { id: string; siteId: string; agency: string; secret: Buffer };
type TEvent = {
  eventId: string;
  capturedAt: string;
  violation: string;
  vehicleClass: string;
  plate: { text: string; confidence: number; color: string };
  evidence: { contentType: string; data: string }[];
};

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const secretKey = Buffer.from(env('CAMERA_SECRET_KEY'), 'base64');
const evidenceDir = env('EVIDENCE_DIR');
// As the API: flushed unless told otherwise (the bench keeps it on for both).
const fsync = process.env.EVIDENCE_FSYNC !== 'false';
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(process.env.DB_POOL_MAX ?? 20) });
mkdirSync(evidenceDir, { recursive: true });

const cameras = new Map<string, Promise<TCamera | undefined>>();
const cameraOf = (code: string): Promise<TCamera | undefined> => {
  let hit = cameras.get(code);
  if (!hit) {
    hit = pool
      .query<{ id: string; site_id: string; agency: string; secret_encrypted: string }>(
        'SELECT c.id, c.site_id, a.name AS agency, c.secret_encrypted FROM camera c JOIN agency a ON a.id = c.agency_id WHERE c.code = $1',
        [code],
      )
      .then(({ rows: [row] }) => row && { id: row.id, siteId: row.site_id, agency: row.agency, secret: openSecret(secretKey, row.secret_encrypted) });
    cameras.set(code, hit);
  }
  return hit;
};

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isClaimedType = (bytes: Buffer, contentType: string): boolean =>
  contentType === 'image/png' ? bytes.subarray(0, 8).equals(PNG) : contentType === 'image/jpeg' && bytes.subarray(0, 3).equals(JPEG);

/** Created exclusively (an existing file is the same bytes: its name is their hash), then flushed. */
const storeEvidence = async (bytes: Buffer, sha256: string): Promise<void> => {
  let file;
  try {
    file = await open(join(evidenceDir, sha256), 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    await file.writeFile(bytes);
    if (fsync) await file.sync();
  } finally {
    await file.close();
  }
};

const INSERT = {
  name: 'lean-insert-event',
  text: `INSERT INTO camera_event (id, camera_id, device_event_id, payload_sha256, captured_at, violation, vehicle_class,
      plate_raw, plate_confidence, plate_color, site_id, detecting_unit)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (camera_id, device_event_id) DO NOTHING`,
};

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ingest = async (req: IncomingMessage, body: Buffer): Promise<[number, object]> => {
  const camera = await cameraOf(String(req.headers['x-camera-id']));
  if (!camera) throw new Refused(403, 'unknown camera');
  const ts = String(req.headers['x-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) throw new Refused(401, 'timestamp out of window');
  const expected = Buffer.from(`sha256=${createHmac('sha256', camera.secret).update(`${ts}.`).update(body).digest('hex')}`);
  const given = Buffer.from(String(req.headers['x-signature']));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Refused(401, 'bad signature');

  const event = JSON.parse(body.toString('utf8')) as TEvent;
  const hashes = await Promise.all(
    event.evidence.map(async ({ contentType, data }) => {
      const bytes = Buffer.from(data, 'base64');
      if (!isClaimedType(bytes, contentType)) throw new Refused(400, 'not the claimed image type');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await storeEvidence(bytes, sha256);
      return sha256;
    }),
  );
  // The fingerprint column gets the image hashes: a resend check is not part of the floor.
  const { rowCount } = await pool.query({
    ...INSERT,
    values: [
      randomUUID(), camera.id, event.eventId, hashes.join(','), event.capturedAt, event.violation, event.vehicleClass,
      event.plate.text, event.plate.confidence, event.plate.color, camera.siteId, camera.agency,
    ],
  });
  return rowCount ? [202, { eventId: event.eventId, status: 'accepted' }] : [200, { eventId: event.eventId, status: 'accepted', duplicate: true }];
};

const answer = (res: ServerResponse, status: number, body: object): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return answer(res, 200, { status: 'ok' });
  if (req.method !== 'POST' || req.url !== '/v1/camera-events') return answer(res, 404, { error: 'not found' });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    ingest(req, Buffer.concat(chunks)).then(
      ([status, body]) => answer(res, status, body),
      (err: unknown) => answer(res, err instanceof Refused ? err.status : err instanceof SyntaxError ? 400 : 500, { error: (err as Error).message }),
    );
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
// A clean exit, so --cpu-prof writes its profile.
process.on('SIGTERM', () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
});
