import { Router, type RequestHandler, type Response } from 'express';
import getRawBody from 'raw-body';
import { CAMERA_CODE, type TCameraAuth } from '../cameras/index.ts';
import { guardDb } from '../db/index.ts';
import type { TMetrics } from '../metrics/index.ts';
import { AppError } from '../shared/app-error.ts';
import { BodyBudget } from './body-budget.ts';
import { ingestCameraEvent, type TIngestDeps } from './ingest-event.ts';

export type TIngestHttpLimits = {
  /** The largest body accepted. */
  bodyLimitBytes: number;
  /** Bytes of bodies received and handled at once (see BodyBudget). */
  bodyBudgetBytes: number;
  /** An admitted body must have arrived whole within this time, or the connection is closed. */
  bodyReadTimeoutMs: number;
};

export type TIngestMetrics = {
  metrics: Pick<TMetrics, 'ingestAnswers' | 'ingestSeconds'>;
  /** Label answers with the camera code (only cameras the directory knows: made-up codes cannot add series). */
  cameraLabel: boolean;
};

/** What `res.locals` carries for the metrics: the answer's code and the known camera. */
type TAnswerLocals = { answerCode?: string; camera?: string };
/** The camera admitBody let in, for the use case. */
type TAdmitted = { admitted: TCameraAuth };

/** Counts every answer of the route, by status, answer code and camera, and times it. */
const observeAnswers = ({ metrics, cameraLabel }: TIngestMetrics): RequestHandler => (_req, res, next) => {
  const timer = metrics.ingestSeconds.startTimer();
  res.once('finish', () => {
    const locals = res.locals as TAnswerLocals;
    const status = String(res.statusCode);
    timer({ status });
    metrics.ingestAnswers.inc({ status, code: locals.answerCode ?? status, camera: cameraLabel ? (locals.camera ?? 'unknown') : 'all' });
  });
  next();
};

/** How long a camera refused for lack of budget should wait: bodies are handled in well under a second. */
const BUSY_RETRY_AFTER_SECONDS = 1;

const CHARSET = /;\s*charset\s*=\s*("?)([^";\s]*)\1/gi;

/**
 * JSON text is UTF-8 (RFC 8259 §8.1), and the signature covers the bytes as sent, so a
 * body in another charset or under a content coding is refused rather than converted
 * (decompressing would also let a small signed-or-not body grow before any check).
 */
const requireUtf8Json: RequestHandler = (req, _res, next) => {
  const contentType = req.get('content-type') ?? '';
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType !== 'application/json') throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  for (const [, , charset] of contentType.matchAll(CHARSET)) {
    if (charset?.toLowerCase() !== 'utf-8') throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the only charset accepted is utf-8');
  }
  if ((req.get('content-encoding') || 'identity').trim().toLowerCase() !== 'identity') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Encoding is not supported: send the JSON as it was signed, uncompressed');
  }
  next();
};

/**
 * Everything that can refuse a post without its body is decided before a byte of it is
 * read: the camera id's form, the declared length, the camera itself (from the
 * directory's cache) and the budget of bodies in flight. The admitted camera is handed
 * to the use case, which checks the signature over the raw bytes.
 */
const admitBody = (deps: TIngestDeps, limits: TIngestHttpLimits): RequestHandler => {
  const budget = new BodyBudget(limits.bodyBudgetBytes);
  return async (req, res, next) => {
    const code = req.get('x-camera-id');
    if (!code) throw new AppError('SIGNATURE_MISSING', 'X-Camera-Id header is required');
    if (!CAMERA_CODE.test(code)) throw new AppError('CAMERA_UNKNOWN', 'X-Camera-Id is not a camera code (1-64 letters, digits, . _ -)');
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > limits.bodyLimitBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `the body exceeds the ${limits.bodyLimitBytes}-byte limit`);
    }
    // Listened for before the look-up: a client that hangs up while it runs must not leave
    // a share of the budget taken for ever.
    const share: { release?: () => void; deadline?: NodeJS.Timeout } = {};
    res.once('close', () => {
      clearTimeout(share.deadline);
      share.release?.();
    });
    const camera = await guardDb(() => deps.cameras.byCode(code));
    if (!camera) throw new AppError('CAMERA_UNKNOWN', 'unknown camera');
    (res.locals as TAnswerLocals).camera = camera.code;
    if (!camera.active) throw new AppError('CAMERA_DISABLED', 'this camera is disabled');
    (res.locals as TAdmitted).admitted = camera;
    if (res.closed) return;
    // A chunked body has no declared length: it may be as large as the limit.
    share.release = budget.take(declared ?? limits.bodyLimitBytes);
    if (!share.release) {
      throw new AppError('BUSY', 'too many bodies are being received at once; retry later', { retryAfter: BUSY_RETRY_AFTER_SECONDS });
    }
    // A body trickled in slowly would hold its share of the budget for as long as the
    // sender likes (anyone who knows a camera code can start one): past the deadline the
    // connection is closed, which gives the share back.
    share.deadline = setTimeout(() => {
      req.log.warn({ camera: camera.code, timeoutMs: limits.bodyReadTimeoutMs }, 'body not received in time; connection closed');
      req.destroy();
    }, limits.bodyReadTimeoutMs);
    req.once('end', () => clearTimeout(share.deadline));
    next();
  };
};

/** The body as bytes, up to `limit` (raw-body's errors carry the `type` the error handler maps: too large, aborted). */
const readRawBody = (limit: number): RequestHandler => async (req, _res, next) => {
  const length = req.headers['content-length'];
  req.body = await getRawBody(req, { limit, ...(length === undefined ? {} : { length }) });
  next();
};

const answered = (res: Response, code: string) => {
  (res.locals as TAnswerLocals).answerCode = code;
};

/** `POST /v1/camera-events`: a thin adapter over the ingest use case. */
export const cameraEventRoutes = (deps: TIngestDeps, limits: TIngestHttpLimits, observed: TIngestMetrics): Router => {
  const router = Router();
  router.post(
    '/v1/camera-events',
    observeAnswers(observed),
    requireUtf8Json,
    admitBody(deps, limits),
    // Raw bytes: the signature covers the body exactly as sent, and JSON is parsed only
    // after the signature checks out. raw-body itself rather than express.raw: the
    // admission above already decided what body-parser would check again.
    readRawBody(limits.bodyLimitBytes),
    async (req, res) => {
      const result = await ingestCameraEvent(deps, {
        camera: (res.locals as TAdmitted).admitted,
        timestamp: req.get('x-timestamp'),
        signature: req.get('x-signature'),
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      });
      answered(res, result.answer.duplicate ? 'duplicate' : result.answer.status);
      // Written directly rather than through res.json: express's send would hash the
      // answer for an ETag and check freshness, neither of which means anything to a camera.
      const body = JSON.stringify(result.answer);
      res.writeHead(result.httpStatus, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
    },
  );
  return router;
};
