import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { CAMERA_CODE } from '../cameras/index.ts';
import type { TLogger } from '../shared/logger.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Paths come from the client (up to Node's 16 KB header limit): the line stays short. */
const MAX_LOGGED_PATH = 200;

/** The one line a request leaves at info: what was asked, by which camera, how it ended. */
const summary = (req: Request, res: Response, ms: number) => {
  const path = req.originalUrl.split('?')[0] ?? '';
  const camera = req.get('x-camera-id');
  return {
    method: req.method,
    path: path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path,
    // A client that hung up before its answer was sent has no status of ours.
    ...(res.writableFinished ? { status: res.statusCode } : { status: null, aborted: true }),
    ms,
    // Only a well-formed id: anything else is attacker-sized and says nothing useful.
    ...(camera && CAMERA_CODE.test(camera) ? { camera } : {}),
  };
};

/**
 * Request logging: one short line per request at info (errors at error, with their cause
 * logged by the error handler), and the full headers at debug only, signatures redacted
 * by the logger. Every line of a request carries its reqId.
 */
export const requestLog = (logger: TLogger): RequestHandler[] => [
  pinoHttp<Request, Response>({
    logger,
    // A caller's X-Request-Id is kept when well-formed, so one id follows a request
    // across the gateway and this service.
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    quietReqLogger: true,
    quietResLogger: true,
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (req, res, val: { responseTime: number }) => summary(req, res, val.responseTime),
    customErrorObject: (req, res, _err, val: { responseTime: number }) => summary(req, res, val.responseTime),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
  }),
  (req, _res, next) => {
    if (req.log.isLevelEnabled('debug')) req.log.debug({ headers: req.headers }, 'request headers');
    next();
  },
];
