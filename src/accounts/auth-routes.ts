import express, { type Request, type Response, Router } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import { AppError } from '../shared/app-error.ts';
import { authenticate, csrfProtection, requireOfficer, sessionCookieName, type TAuthLocals } from './auth-middleware.ts';
import { login, logout, type TNewSessionAnswer } from './login.ts';
import { dummyHash } from './password.ts';
import { renderLoginPage } from './login-page.ts';
import { requestOrigin } from '../shared/request-origin.ts';

export const ZLoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).meta({ id: 'LoginRequest' });
export const ZLoginAnswer = z
  .object({
    officer: z.object({ id: z.string(), username: z.string(), fullName: z.string(), agencyCode: z.string(), roles: z.array(z.string()) }),
    token: z.string().meta({ description: 'send as Authorization: Bearer <token>; no CSRF token needed then' }),
    expiresAt: z.iso.datetime(),
    csrfToken: z.string().meta({ description: 'for posts made with the session cookie instead: X-CSRF-Token' }),
  })
  .meta({ id: 'LoginAnswer' });

/** Where a page login goes afterwards: a path of this site only (never //host or a URL). */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/review');

const setSessionCookie = (res: Response, auth: TAuthLocals, s: TNewSessionAnswer) => {
  res.cookie(sessionCookieName(auth.secureCookies), s.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: auth.secureCookies,
    path: '/',
    expires: s.expiresAt,
  });
};

/** A form posted from another site is refused: a login CSRF would sign the victim in as the attacker. */
const sameOrigin = (req: Request) => requestOrigin(req) !== 'cross';

const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** POST /v1/auth/login and /logout (JSON), GET /v1/auth/csrf and /me, and the login page at /login. */
export const authRoutes = (auth: TAuthLocals): Router => {
  // The hash unknown usernames are checked against, made now: made on the first such
  // login, it would make that one slower than a wrong password (a timing tell).
  void dummyHash();
  const router = Router();
  const json = express.json({ limit: '16kb' });
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.post('/v1/auth/login', json, async (req, res) => {
    const parsed = ZLoginBody.safeParse(req.body);
    if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'username and password are required', { details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    const answer = await login(auth, { ...parsed.data, ip: clientIp(req), kind: 'BEARER' });
    setSessionCookie(res, auth, answer);
    res.set('Cache-Control', 'no-store');
    res.json({ officer: answer.officer, token: answer.token, expiresAt: answer.expiresAt.toISOString(), csrfToken: answer.csrfToken });
  });

  router.post('/v1/auth/logout', json, form, requireOfficer(), csrfProtection, async (req, res) => {
    const state = (await authenticate(req, res))!;
    await logout(auth, state.sessionId, state.principal);
    res.clearCookie(sessionCookieName(auth.secureCookies), { path: '/', httpOnly: true, sameSite: 'lax', secure: auth.secureCookies });
    res.status(204).end();
  });

  router.get('/v1/auth/csrf', requireOfficer(), (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ csrfToken: (res.locals.csrfToken as string | undefined) ?? null });
  });

  router.get('/v1/auth/me', requireOfficer(), (_req, res) => {
    const { via: _via, scopeAgencyIds: _scope, ...officer } = res.locals.principal as Record<string, unknown>;
    res.json({ officer });
  });

  // Referrer-Policy same-origin, not helmet's no-referrer: under no-referrer a browser sends
  // `Origin: null` with the form's post, which sameOrigin must refuse (seen in Chromium).
  const loginHeaders = helmet({ referrerPolicy: { policy: 'same-origin' } });
  router.get('/login', loginHeaders, (req, res) => {
    renderLoginPage(req, res, 200, { next: safeNext(req.query.next) });
  });

  // The pages' logout button: a form post (with _csrf), then the login page.
  router.post('/logout', helmet(), form, async (req, res, next) => {
    // A session that already ended has nothing to log out of: back to the login page.
    if (!(await authenticate(req, res))) return res.redirect(303, '/login');
    next();
  }, requireOfficer(), csrfProtection, async (req, res) => {
    const state = (await authenticate(req, res))!;
    await logout(auth, state.sessionId, state.principal);
    res.clearCookie(sessionCookieName(auth.secureCookies), { path: '/', httpOnly: true, sameSite: 'lax', secure: auth.secureCookies });
    res.redirect(303, '/login');
  });

  router.post('/login', loginHeaders, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    if (!sameOrigin(req)) throw new AppError('CSRF_INVALID', 'a login form posted from another site');
    const parsed = ZLoginBody.safeParse(body);
    if (!parsed.success) return renderLoginPage(req, res, 400, { next, error: { key: 'invalid' } });
    try {
      const answer = await login(auth, { ...parsed.data, ip: clientIp(req), kind: 'COOKIE' });
      setSessionCookie(res, auth, answer);
      res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'RATE_LIMITED') {
        res.set('Retry-After', String(err.retryAfter));
        return renderLoginPage(req, res, 429, { next, username: parsed.data.username, error: { key: 'rateLimited', minutes: Math.ceil((err.retryAfter ?? 60) / 60) } });
      }
      if (err.code === 'INVALID_CREDENTIALS') return renderLoginPage(req, res, 401, { next, username: parsed.data.username, error: { key: 'refused' } });
      throw err;
    }
  });

  return router;
};
