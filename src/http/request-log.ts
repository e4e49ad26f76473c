import { randomUUID } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { CAMERA_CODE } from '../cameras/index.ts';
import type { TLogger } from '../shared/logger.ts';

declare module 'http' {
  interface IncomingMessage {
    /** The request's id (its X-Request-Id). */
    id: string;
    /** A logger whose lines carry the request's id. */
    log: TLogger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Paths come from the client (up to Node's 16 KB header limit): the line stays short. */
const MAX_LOGGED_PATH = 200;
/** Probes poll often and say nothing a metric does not. */
const QUIET_PATHS = new Set(['/healthz', '/readyz']);

/** The one line a request leaves at info: what was asked, by which camera, how it ended. */
const summary = (req: Request, res: Response, ms: number) => {
  const path = req.originalUrl.split('?')[0] ?? '';
  const camera = req.get('x-camera-id');
  return {
    reqId: req.id,
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
 * Request logging: one short line per request at info (a 5xx at error, with its cause
 * logged by the error handler), and the full headers at debug only, signatures redacted
 * by the logger. Every line of a request carries its reqId. Written by hand rather than
 * with pino-http: that built two child loggers per request whether or not anything was
 * logged; here `req.log` is a getter on the app's request prototype, defined once, that
 * makes the request's child logger only when a handler logs through it.
 */
export const installRequestLog = (app: Express, logger: TLogger): void => {
  const children = new WeakMap<Request, TLogger>();
  Object.defineProperty(app.request, 'log', {
    get(this: Request) {
      let child = children.get(this);
      if (!child) {
        child = logger.child({ reqId: this.id });
        children.set(this, child);
      }
      return child;
    },
    configurable: true,
  });
  app.use((req, res, next) => {
    const start = performance.now();
    // A caller's X-Request-Id is kept when well-formed, so one id follows a request across
    // the gateway and this service.
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    if (logger.isLevelEnabled('debug')) req.log.debug({ headers: req.headers }, 'request headers');
    if (logger.isLevelEnabled('info') && !QUIET_PATHS.has(req.url)) {
      // 'close' follows 'finish' when the answer went out, and comes alone when the client
      // hung up first: the line is written once, at whichever comes first.
      const done = () => {
        res.off('finish', done);
        res.off('close', done);
        const line = summary(req, res, Math.round(performance.now() - start));
        if (res.writableFinished && res.statusCode >= 500) logger.error(line, 'request failed');
        else logger.info(line, 'request');
      };
      res.on('finish', done);
      res.on('close', done);
    }
    next();
  });
};
