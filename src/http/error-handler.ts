import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError } from '../shared/app-error.ts';
import { renderErrorPage, wantsHtml } from '../web/index.ts';

/** Errors thrown by body parsers (raw-body) carry a `type`; map them to our codes. */
const fromParserError = (err: { type?: string; status?: number; message?: string }): AppError | undefined => {
  if (err.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'the body exceeds the size limit');
  if (err.type === 'entity.parse.failed') return new AppError('MALFORMED_JSON', 'the body is not valid JSON');
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', err.message ?? 'unsupported encoding');
  }
  if (err.type === 'request.aborted') return new AppError('VALIDATION_FAILED', 'the request was aborted');
  if (err.type === 'request.size.invalid') return new AppError('VALIDATION_FAILED', 'the body is not as long as its Content-Length says');
  return undefined;
};

/** As Go's net/http does: an unread body up to this size is discarded to keep the connection. */
const MAX_DISCARDED_BODY_BYTES = 256 * 1024;

/**
 * A post refused before its body was read (unknown camera, too large, busy): Node would
 * read and discard the rest of it to keep the connection alive. Worth it for a small body;
 * a large or unbounded (chunked) one closes the connection instead, so an unauthenticated
 * client cannot make the API spend its reads on bytes it already refused. (A client still
 * sending may then see the connection reset rather than the answer; it retries either way.)
 */
const closeIfLargeBodyUnread = (req: Request, res: Response): void => {
  if (req.complete) return;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (!(declared <= MAX_DISCARDED_BODY_BYTES)) res.set('Connection', 'close');
};

/** The one place errors become HTTP answers: `{ error: { code, message, details? } }`, or an error page (src/web). */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appError = err instanceof AppError ? err : fromParserError(err as { type?: string });
  if (!appError) {
    req.log.error({ err }, 'unhandled error');
    res.locals.answerCode = 'INTERNAL';
    answer(req, res, new AppError('INTERNAL', 'internal error'));
    return;
  }
  // The answer's code, for the routes' metrics (see events/routes.ts).
  res.locals.answerCode = appError.code;
  if (appError.status >= 500) req.log.error({ err: appError.cause ?? appError }, appError.message);
  if (appError.retryAfter) res.set('Retry-After', String(appError.retryAfter));
  closeIfLargeBodyUnread(req, res);
  answer(req, res, appError);
};

/** One AppError, two renderings: a page for a browser asking for one, else the JSON shape. */
const answer = (req: Request, res: Response, err: AppError): void => {
  if (wantsHtml(req)) {
    try {
      renderErrorPage(req, res, err);
      return;
    } catch (renderErr) {
      req.log.error({ err: renderErr }, 'error page failed to render');
    }
  }
  res.status(err.status).json(err.toJSON());
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};
