import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { guardDb, type TDb } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import type { CameraDirectory, TCameraAuth } from '../cameras/index.ts';
import { isPastLimitation } from '../clock/index.ts';
import { parsePlate } from '../plates/index.ts';
import type { ContentStore } from '../storage/index.ts';
import { ZCameraEvent, type TCameraEvent, type TIngestAnswer } from './camera-event.schema.ts';
import { findByDeviceEventId, type TStoredEvidence } from './event-repository.ts';
import type { EventWriter } from './event-writer.ts';
import { imageTypeOf } from './image-type.ts';
import { verifySignature } from './signature.ts';
import { assertJsonWithinBounds } from './json-guard.ts';
import { canonicalJson } from '../shared/canonical-json.ts';

export type TIngestDeps = {
  db: TDb;
  writer: EventWriter;
  cameras: CameraDirectory;
  evidence: ContentStore;
  toleranceSeconds: number;
  clockSkewSeconds: number;
};

export type TIngestRequest = {
  /** The camera named by X-Camera-Id, as the directory knows it (admitted before the body was read). */
  camera: TCameraAuth;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
};

export type TIngestResult = { httpStatus: 200 | 202; answer: TIngestAnswer };

export const CERT_EXPIRED = 'CAMERA_CERT_EXPIRED';

/**
 * The camera ingest use case: authenticate, validate, store evidence, then store the
 * event with its outbox row in one transaction. Nothing is parsed before the signature
 * is checked, and nothing is stored before every check has passed.
 */
export const ingestCameraEvent = async (deps: TIngestDeps, req: TIngestRequest): Promise<TIngestResult> => {
  const now = new Date();
  const { camera } = req;
  if (!camera.active) throw new AppError('CAMERA_DISABLED', 'this camera is disabled');

  const check = verifySignature({
    secret: camera.secret,
    timestamp: req.timestamp,
    signature: req.signature,
    body: req.rawBody,
    nowSeconds: Math.floor(now.getTime() / 1000),
    toleranceSeconds: deps.toleranceSeconds,
  });
  if (!check.ok) throw new AppError(check.code, check.message);

  const event = parseEvent(req.rawBody);
  const capturedAt = new Date(event.capturedAt);
  if (capturedAt.getTime() > now.getTime() + deps.clockSkewSeconds * 1000) {
    throw new AppError('CAPTURED_IN_FUTURE', `capturedAt lies more than ${deps.clockSkewSeconds} s in the future`);
  }
  if (isPastLimitation(capturedAt, now)) {
    throw new AppError(
      'CAPTURED_BEYOND_LIMITATION',
      'capturedAt is past the end of the last day of the 1-year limitation period (Nghị định 168/2024/NĐ-CP, Điều 4)',
    );
  }
  const plate = parsePlate(event.plate.text);
  if (!plate.ok) {
    throw new AppError('INVALID_PLATE', `plate.text is not a Vietnamese plate: ${plate.reason}`, {
      details: [{ path: 'plate.text', message: plate.reason }],
    });
  }
  const images = decodeEvidence(event);

  await Promise.all(images.map((img) => deps.evidence.put(img.bytes, img.sha256)));

  const certExpired = capturedAt.getTime() > camera.certExpiresAt.getTime();
  const id = randomUUID();
  // The fingerprint of a resend: every field, with images by their hash (re-hashing the
  // base64 text would double the hashing work for nothing).
  const payloadSha256 = createHash('sha256')
    .update(canonicalJson({ ...event, evidence: images.map((i) => [i.kind, i.contentType, i.sha256]) }))
    .digest('hex');
  const inserted = await guardDb(() =>
    deps.writer.insert({
      id,
      cameraId: camera.id,
      cameraCode: camera.code,
      siteId: camera.siteId,
      detectingUnit: camera.agency,
      detectingAgencyId: camera.agencyId,
      payloadSha256,
      capturedAt,
      event,
      plate: { normalised: plate.plate.normalised, format: plate.plate.format, uncertain: plate.uncertain },
      evidence: images.map(({ bytes: _bytes, ...rest }) => rest),
      status: certExpired ? 'REJECTED' : 'RECEIVED',
      rejectReason: certExpired ? CERT_EXPIRED : null,
    }),
  );
  if (inserted) {
    return {
      httpStatus: 202,
      answer: certExpired
        ? { eventId: event.eventId, status: 'rejected', reason: CERT_EXPIRED }
        : { eventId: event.eventId, status: 'accepted' },
    };
  }
  const existing = await guardDb(() => findByDeviceEventId(deps.db, camera.id, event.eventId));
  if (!existing) throw new AppError('INTERNAL', 'event vanished between insert and read');
  if (existing.payloadSha256 !== payloadSha256) {
    throw new AppError('EVENT_ID_CONFLICT', 'this camera already sent a different event with this eventId');
  }
  return {
    httpStatus: 200,
    answer: {
      eventId: event.eventId,
      status: existing.status === 'REJECTED' ? 'rejected' : 'accepted',
      duplicate: true,
      ...(existing.rejectReason ? { reason: existing.rejectReason } : {}),
    },
  };
};

const parseEvent = (rawBody: Buffer): TCameraEvent => {
  assertJsonWithinBounds(rawBody);
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (err) {
    throw new AppError('MALFORMED_JSON', `the body is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ZCameraEvent.safeParse(json);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'the event does not match the camera contract', { details: issuesOf(parsed.error) });
  return parsed.data;
};

export const issuesOf = (error: z.ZodError) => error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

type TDecoded = TStoredEvidence & { bytes: Buffer };

const decodeEvidence = (event: TCameraEvent): TDecoded[] =>
  event.evidence.map((item, position) => {
    const bytes = item.data;
    const detected = imageTypeOf(bytes);
    if (detected !== item.contentType) {
      throw new AppError('INVALID_EVIDENCE', `evidence[${position}] is not the ${item.contentType} it claims to be`, {
        details: [{ path: `evidence.${position}.data`, message: `bytes are ${detected ?? 'not a JPEG or PNG image'}` }],
      });
    }
    return { position, kind: item.kind, contentType: item.contentType, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, bytes };
  });
