import { Router } from 'express';
import helmet from 'helmet';
import { caseView, pendingCasesInScope } from '../cases/index.ts';
import type { TDb } from '../db/index.ts';
import { languageOf, rememberLanguage } from './lang.ts';
import type { TOfficerAuth, TPrincipal } from './principal.ts';
import { renderPage } from './render.ts';
import { staticAssets } from './static.ts';

/**
 * The reject reasons offered on the case page, in the order of their shortcut digits
 * (r then 1…7). The codes are the decision API's (src/review): keep the two lists equal.
 */
export const REJECT_REASONS = [
  'PLATE_UNREADABLE',
  'PLATE_MISREAD',
  'PRIORITY_VEHICLE',
  'EVIDENCE_INSUFFICIENT',
  'CAMERA_FAULT',
  'DUPLICATE',
  'OTHER',
] as const;

/** Cases within this many days of their notice deadline are marked on the queue. */
export const URGENT_DAYS = 2;

/**
 * The officers' pages: `/static/*` (stylesheet, script), `/review` (the waiting cases,
 * most urgent first) and `/review/cases/:id` (the case page). Pages carry helmet's
 * headers (a strict CSP: scripts only from this origin, no inline script).
 */
export const pageRoutes = (deps: { db: TDb }, { requireOfficer }: TOfficerAuth): Router => {
  const router = Router();
  router.use('/static', staticAssets());
  const page = Router();
  page.use('/review', helmet(), (req, res, next) => {
    rememberLanguage(req, res);
    next();
  });
  page.get('/review', requireOfficer(), async (req, res) => {
    const principal = res.locals.principal as TPrincipal;
    const cases = await pendingCasesInScope(deps.db, principal);
    const today = Date.now();
    renderPage(req, res, 'queue', {
      cases: cases.map((c) => ({
        ...c,
        urgent: c.noticeDueAt !== null && c.noticeDueAt.getTime() - today <= URGENT_DAYS * 86400_000,
      })),
    });
  });
  page.get('/review/cases/:id', requireOfficer(), async (req, res) => {
    const principal = res.locals.principal as TPrincipal;
    const view = await caseView(deps.db, principal, String(req.params.id), { lang: languageOf(req) });
    renderPage(req, res, 'case', { c: view, rejectReasons: REJECT_REASONS, urgentDays: URGENT_DAYS });
  });
  router.use(page);
  return router;
};
