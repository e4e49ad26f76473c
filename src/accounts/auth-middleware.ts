import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../shared/app-error.ts';
import type { TAuthDeps } from './login.ts';
import type { TPrincipal, TRole } from './principal.ts';
import { resolveSession } from './sessions.ts';
import { cookieValue } from '../shared/cookies.ts';

/** The session cookie's name; `__Host-` (Secure, path /, no Domain) where cookies are Secure. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-pn_session' : 'pn_session');

/** The app's auth dependencies: createApp puts them in app.locals, so the middlewares keep the plain RequestHandler shape. */
export type TAuthLocals = TAuthDeps & { secureCookies: boolean };
const authOf = (req: Request): TAuthLocals => {
  // A mounted sub-app (express()) has locals of its own: look up through its parents.
  for (let app: (typeof req.app & { parent?: typeof req.app }) | undefined = req.app; app; app = app.parent) {
    if (app.locals.auth) return app.locals.auth as TAuthLocals;
  }
  throw new Error('app.locals.auth is not set: createApp installs it');
};


type TAuthState = { principal: TPrincipal; sessionId: string; csrfToken: string } | null;

/**
 * Who the request comes from, worked out once per request: a bearer token (API clients)
 * or the session cookie (pages). Either names a session row; see resolveSession.
 */
export const authenticate = async (req: Request, res: Response): Promise<TAuthState> => {
  if (res.locals.auth !== undefined) return res.locals.auth as TAuthState;
  const auth = authOf(req);
  const bearer = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ?? cookieValue(req, sessionCookieName(auth.secureCookies));
  const live = token ? await resolveSession(auth.db, token, auth.now(), auth.rules) : null;
  const state: TAuthState = live && { principal: { ...live.principal, via: bearer ? 'bearer' : 'session' }, sessionId: live.sessionId, csrfToken: live.csrfToken };
  res.locals.auth = state;
  if (state) {
    res.locals.principal = state.principal;
    // Pages embed it in their forms (<input name="_csrf">) and scripts send it as X-CSRF-Token.
    if (state.principal.via === 'session') res.locals.csrfToken = state.csrfToken;
  }
  return state;
};

const wantsPage = (req: Request) => req.method === 'GET' && req.accepts(['json', 'html']) === 'html';

/**
 * Lets a signed-in officer through (res.locals.principal), with one of `roles` when given.
 * Not signed in: 401 in the error shape, or a redirect to /login for a page. Role
 * missing: 403.
 */
export const requireOfficer =
  (opts: { roles?: TRole[] } = {}): RequestHandler =>
  async (req, res, next) => {
    const state = await authenticate(req, res);
    if (!state) {
      if (wantsPage(req)) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      throw new AppError('UNAUTHENTICATED', 'sign in first: POST /v1/auth/login');
    }
    if (opts.roles && !opts.roles.some((r) => state.principal.roles.includes(r))) {
      throw new AppError('FORBIDDEN', `this needs the role ${opts.roles.join(' or ')}`);
    }
    next();
  };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameToken = (given: unknown, expected: string) => {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * CSRF protection for requests the session cookie authenticates: a synchronizer token
 * kept in the session row, sent back as X-CSRF-Token or a form's `_csrf` field. A bearer
 * call skips it (a browser never adds an Authorization header on its own), as does a
 * request with no session at all (the route's requireOfficer refuses it). For the form
 * field, mount it after the body parser (express.urlencoded).
 */
export const csrfProtection: RequestHandler = async (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const state = await authenticate(req, res);
  if (!state || state.principal.via === 'bearer') return next();
  const body = req.body as Record<string, unknown> | undefined;
  if (!sameToken(req.headers['x-csrf-token'] ?? body?._csrf, state.csrfToken)) {
    throw new AppError('CSRF_INVALID', 'missing or wrong CSRF token: send X-CSRF-Token (GET /v1/auth/csrf) or the form\'s _csrf field');
  }
  next();
};
