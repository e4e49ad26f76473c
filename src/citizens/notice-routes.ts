import express, { Router, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { CalendarCache } from '../clock/index.ts';
import { evidenceFile } from '../events/index.ts';
import { dummyAccessCodeHash, noticeByNumber, noticeFileName, noticePath, type TNoticeByNumber } from '../notices/index.ts';
import { AppError } from '../shared/app-error.ts';
import { requestOrigin } from '../shared/request-origin.ts';
import { sendStored, type ContentStore } from '../storage/index.ts';
import { languageOf, rememberLanguage, renderPage, translator } from '../web/index.ts';
import { grantOpens, tryAccessCode, type TNoticeAccessDeps } from './notice-access.ts';
import { citizenNoticeView } from './notice-view.ts';

export type TNoticePageDeps = TNoticeAccessDeps & {
  calendar: CalendarCache;
  /** Evidence images, served only through an opened notice (never from a public path). */
  evidence: ContentStore;
  /** Notice PDFs. */
  notices: ContentStore;
  /** Secure cookies (production). */
  secureCookies: boolean;
};

/** The grant cookie; `__Secure-` where cookies are Secure (`__Host-` needs Path=/, and this one is scoped to the notice). */
const grantCookieName = (secure: boolean) => (secure ? '__Secure-pn_notice' : 'pn_notice');

/**
 * Every value of a cookie: a browser holding grants for two notices whose paths nest
 * (`/notices/000123` and `/notices/000123/TB-PC08`) sends both under one name.
 */
const cookieValues = (req: Request, name: string): string[] =>
  (req.headers.cookie ?? '').split(';').flatMap((part) => {
    const eq = part.indexOf('=');
    return eq > 0 && part.slice(0, eq).trim() === name ? [part.slice(eq + 1).trim()] : [];
  });

/** The number in the path: the wildcard's segments (decoded by express), joined by the slashes they were split at. */
const numberOf = (req: Request): string => {
  const p = req.params.number as string | string[] | undefined;
  return Array.isArray(p) ? p.join('/') : String(p ?? '');
};

const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * The notice page, what the QR code on a notice opens (`/notices/<number>#code=…`):
 *
 * - `GET /notices/<number>` asks for the access code, the same form for every number (the
 *   page reads no table until a grant cookie is sent); its script takes the code from the
 *   URL's fragment, which browsers never send, so no log holds it.
 * - `POST /notices/<number>` (a form post: `code`) checks it (src/citizens/notice-access.ts).
 *   Right: a grant cookie scoped to the notice's path (HttpOnly, SameSite=Strict, Secure in
 *   production, NOTICE_ACCESS_MINUTES) and a redirect to the page, which then shows the
 *   notice. Wrong code, unknown number, notice not yet rendered: one answer, 403 and the form
 *   saying so. Too many wrong codes for the number or from the client: 429, Retry-After.
 *   A post from another site is refused: Origin is checked as the login form does (no token:
 *   the citizen has no session to keep one in, and the code itself is the secret a forged
 *   post would need).
 * - `GET /notices/<number>/pdf` and `/notices/<number>/evidence/<id>`: the PDF and the
 *   evidence images of an opened notice; without the grant 404, whether or not it exists.
 */
export const noticePageRoutes = (deps: TNoticePageDeps): Router => {
  // Made now: made on the first unknown number, that answer would be the slow one (a timing tell).
  void dummyAccessCodeHash();
  const router = Router();
  const cookie = grantCookieName(deps.secureCookies);
  // Same-origin referrers, not helmet's no-referrer: under no-referrer Chromium posts the form
  // with `Origin: null`, which the origin check must refuse (as on the login page).
  const headers = helmet({ referrerPolicy: { policy: 'same-origin' } });
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  /** The notice at `number`, if the request holds a grant that opens it. */
  const opened = async (req: Request, number: string): Promise<TNoticeByNumber | null> => {
    const tokens = cookieValues(req, cookie);
    if (tokens.length === 0 || number.length > 80) return null;
    const notice = await noticeByNumber(deps.db, number);
    return notice && (await grantOpens(deps, tokens, notice.id)) ? notice : null;
  };

  const strings = (req: Request) => translator(languageOf(req), 'notice-page');

  const codeForm = (req: Request, res: Response, status: number, opts: { number: string; error?: 'refused' | 'throttled'; minutes?: number }) => {
    const tn = strings(req);
    const error = opts.error === 'throttled' ? tn('code.throttled', { minutes: opts.minutes ?? 1 }) : opts.error === 'refused' ? tn('code.refused') : null;
    renderPage(req, res, 'notice-code', { tn, number: opts.number, action: noticePath(opts.number), error }, status);
  };

  /**
   * What a link of a closed (or never opened, or unknown) notice answers: one page for all,
   * with the pages' headers (the files themselves are sent without a CSP, which a browser's
   * PDF viewer may not take).
   */
  const gone = (req: Request, res: Response, number: string) =>
    headers(req, res, () => renderPage(req, res, 'notice-gone', { tn: strings(req), number, pagePath: noticePath(number) }, 404));

  router.get('/notices/*number/pdf', async (req, res) => {
    const notice = await opened(req, numberOf(req));
    if (!notice?.pdfSha256) return gone(req, res, numberOf(req));
    await sendStored(req, res, deps.notices, { sha256: notice.pdfSha256, contentType: 'application/pdf', bytes: notice.pdfBytes, disposition: `inline; filename="${noticeFileName(notice.number)}"` });
  });

  router.get('/notices/*number/evidence/:id', async (req, res) => {
    const number = numberOf(req);
    const id = String(req.params.id);
    const notice = await opened(req, number);
    const file = notice && /^[0-9a-f-]{36}$/i.test(id) ? await evidenceFile(deps.db, id) : null;
    if (!notice || !file || file.caseId !== notice.caseId || !file.contentType.startsWith('image/')) return gone(req, res, number);
    await sendStored(req, res, deps.evidence, { sha256: file.sha256, contentType: file.contentType, bytes: file.sizeBytes });
  });

  router.get('/notices/*number', headers, async (req, res) => {
    rememberLanguage(req, res);
    const number = numberOf(req);
    const notice = await opened(req, number);
    if (!notice) return codeForm(req, res, 200, { number });
    const view = await citizenNoticeView(deps, notice);
    renderPage(req, res, 'notice', { tn: strings(req), n: view, pagePath: noticePath(notice.number), minutes: Math.round(deps.accessMs / 60_000) });
  });

  router.post('/notices/*number', headers, form, async (req, res) => {
    if (requestOrigin(req) === 'cross') throw new AppError('CSRF_INVALID', 'an access code posted from another site');
    const number = numberOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const code = typeof body.code === 'string' ? body.code.slice(0, 64) : '';
    const outcome = await tryAccessCode(deps, { number, code, ip: clientIp(req) });
    if (outcome.kind === 'throttled') {
      res.set('Retry-After', String(outcome.wait));
      return codeForm(req, res, 429, { number, error: 'throttled', minutes: Math.ceil(outcome.wait / 60) });
    }
    if (outcome.kind === 'refused') return codeForm(req, res, 403, { number, error: 'refused' });
    const path = noticePath(outcome.notice.number);
    res.cookie(cookie, outcome.token, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path, maxAge: deps.accessMs });
    res.redirect(303, path);
  });

  return router;
};
