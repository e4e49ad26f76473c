import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import { csrfProtection } from '../accounts/index.ts';
import { caseView } from '../cases/index.ts';
import type { TDb } from '../db/index.ts';
import { followupView, noticeLimitWarnings, parseOwnerResponse, recordOwnerResponse } from '../followup/index.ts';
import { Violation } from '../generated/prisma/enums.ts';
import { claimNext, decide, listQueue, queuesOf, REJECT_REASONS, releaseClaim, type TReviewDeps, ZDecision, ZQueueQuery } from '../review/index.ts';
import { AppError } from '../shared/app-error.ts';
import { renderErrorPage } from './error-page.ts';
import { languageOf, rememberLanguage } from './lang.ts';
import type { TOfficerAuth, TPrincipal } from './principal.ts';
import { renderPage } from './render.ts';
import { staticAssets } from './static.ts';


/** The one-line messages a redirect carries to the queue page (`?m=`), keys of `flash.*` in pages.json. */
const FLASHES = ['none', 'released', 'decided'] as const;

const ZUuid = z.uuid();
/** The API's queue filters, forgiving: a page with a stale or mistyped filter drops it instead of failing. */
const ZQueueFilters = z.object({
  flag: ZQueueQuery.shape.flag.catch(undefined),
  violation: ZQueueQuery.shape.violation.catch(undefined),
  camera: ZQueueQuery.shape.camera.catch(undefined),
  site: ZQueueQuery.shape.site.catch(undefined),
});

/** A form's text fields as the decision API's JSON: empty fields dropped, the amount a number. */
export const decisionOfForm = (body: Record<string, unknown>): unknown => {
  const out: Record<string, unknown> = {};
  for (const key of ['decision', 'amount', 'reason', 'note', 'plate', 'violation']) {
    const v = body[key];
    if (typeof v !== 'string' || v.trim() === '') continue;
    out[key] = key === 'amount' ? Number(v.replace(/[.,\s₫]/g, '')) : v;
  }
  return out;
};

/** The response form's fields as the response API's JSON: empty fields dropped, the local time (Vietnam) as an instant. */
export const responseOfForm = (body: Record<string, unknown>): unknown => {
  const out: Record<string, unknown> = {};
  for (const key of ['kind', 'driverName', 'driverIdNumber', 'note', 'respondedAt']) {
    const v = body[key];
    if (typeof v !== 'string' || v.trim() === '') continue;
    out[key] = key === 'respondedAt' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00+07:00` : v;
  }
  return out;
};

const principalOf = (res: Response) => res.locals.principal as TPrincipal;

/** The case id in the path; a malformed one is a case that does not exist. */
const caseIdOf = (req: Request): string => {
  const r = ZUuid.safeParse(req.params.id);
  if (!r.success) throw new AppError('NOT_FOUND', 'no such case');
  return r.data;
};

/** Who holds the case's claim, as the case page shows it (mine: the lease to renew). */
const claimOf = async (db: TDb, p: TPrincipal, caseId: string) => {
  const c = await db.case.findUnique({ where: { id: caseId }, select: { claimedBy: true, claimExpiresAt: true } });
  const live = !!c?.claimedBy && !!c.claimExpiresAt && c.claimExpiresAt.getTime() > Date.now();
  return { mine: live && c.claimedBy === p.officerId, held: live, expiresAt: live ? c!.claimExpiresAt : null };
};

/**
 * The officers' pages: `/static/*` (stylesheet, script), `/review` (the officer's queues,
 * src/review's listQueue), `POST /review/next` (claim the most urgent case and open it),
 * `/review/cases/:id` (the case page) with its form routes (`…/decision`, `…/release`),
 * which work without JavaScript: urlencoded forms with `_csrf`, answered by a redirect
 * (303) or the page again with the error. Pages carry helmet's headers (a strict CSP:
 * scripts only from this origin, no inline script).
 */
export const pageRoutes = (deps: TReviewDeps, { requireOfficer }: TOfficerAuth): Router => {
  const router = Router();
  router.use('/static', staticAssets());
  const page = Router();
  page.use('/review', helmet(), (req, res, next) => {
    rememberLanguage(req, res);
    next();
  });
  // Reviewers and supervisors; to anyone else (an ADMIN only) the pages answer 403.
  const reviewer = requireOfficer({ roles: ['REVIEWER', 'SUPERVISOR'] });
  const form: RequestHandler[] = [reviewer, express.urlencoded({ extended: false, limit: '16kb' }), csrfProtection];

  page.get('/review', reviewer, async (req, res) => {
    const p = principalOf(res);
    const filters = ZQueueFilters.parse(req.query);
    const [queue, noticeLimit] = await Promise.all([
      listQueue(deps.db, p, filters),
      // Supervisors are warned of cases about to miss the 10-day notice limit (src/followup).
      p.roles.includes('SUPERVISOR') ? noticeLimitWarnings(deps.db, { now: new Date(), scope: p.scopeAgencyIds, limit: 50 }) : null,
    ]);
    const flash = (FLASHES as readonly unknown[]).includes(req.query.m) ? String(req.query.m) : null;
    renderPage(req, res, 'queue', { queue, filters, flash, queues: queuesOf(p), violations: Object.values(Violation), noticeLimit });
  });

  page.post('/review/next', ...form, async (req, res) => {
    const claimed = await claimNext(deps, principalOf(res));
    res.redirect(303, claimed ? `/review/cases/${claimed.id}` : '/review?m=none');
  });

  const showCase = async (req: Request, res: Response, extra: { error?: AppError; status?: number } = {}) => {
    const p = principalOf(res);
    const id = caseIdOf(req);
    const view = await caseView(deps.db, p, id, { lang: languageOf(req) });
    const claim = await claimOf(deps.db, p, id);
    const followup = await followupView(deps.db, id, view.status);
    const error = extra.error ? { status: extra.error.status, code: extra.error.code, message: extra.error.message } : null;
    renderPage(
      req,
      res,
      'case',
      {
        c: view,
        claim,
        followup,
        error,
        supervisor: p.roles.includes('SUPERVISOR'),
        rejectReasons: REJECT_REASONS,
        violations: Object.values(Violation),
        renewMs: Math.floor((deps.leaseSeconds * 1000) / 3),
      },
      extra.status ?? 200,
    );
  };

  page.get('/review/cases/:id', reviewer, async (req, res) => {
    await showCase(req, res);
  });

  page.post('/review/cases/:id/decision', ...form, async (req, res) => {
    const p = principalOf(res);
    const id = caseIdOf(req);
    try {
      const parsed = ZDecision.safeParse(decisionOfForm((req.body ?? {}) as Record<string, unknown>));
      if (!parsed.success) throw new AppError('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      await decide(deps, p, id, parsed.data);
    } catch (err) {
      // Another agency's case (or none): the 404 page. A case that moved or a wrong amount: the case page again, saying so.
      if (!(err instanceof AppError) || err.status === 404 || err.status >= 500) throw err;
      await showCase(req, res, { error: err, status: err.status });
      return;
    }
    const claimed = await claimNext(deps, p);
    res.redirect(303, claimed ? `/review/cases/${claimed.id}` : '/review?m=decided');
  });

  page.post('/review/cases/:id/response', ...form, async (req, res) => {
    const id = caseIdOf(req);
    try {
      await recordOwnerResponse(deps.db, principalOf(res), id, parseOwnerResponse(responseOfForm((req.body ?? {}) as Record<string, unknown>)));
    } catch (err) {
      // Another agency's case: the 404 page. A case that moved or a form not filled in right: the case page again, saying so.
      if (!(err instanceof AppError) || err.status === 404 || err.status >= 500) throw err;
      await showCase(req, res, { error: err, status: err.status });
      return;
    }
    res.redirect(303, `/review/cases/${id}`);
  });

  page.post('/review/cases/:id/release', ...form, async (req, res) => {
    try {
      await releaseClaim(deps, principalOf(res), caseIdOf(req));
    } catch (err) {
      // The claim had already gone (expired, taken over): back to the queue all the same.
      if (!(err instanceof AppError) || err.status !== 409) throw err;
    }
    res.redirect(303, '/review?m=released');
  });

  // A form post's error (404 of another agency's case, a CSRF failure) is a page too.
  page.use('/review', ((err, req, res, next) => {
    if (err instanceof AppError && req.method === 'POST' && req.accepts(['json', 'html']) === 'html') renderErrorPage(req, res, err);
    else next(err);
  }) as express.ErrorRequestHandler);
  router.use(page);
  return router;
};
