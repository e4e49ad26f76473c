import { Router } from 'express';
import type { TDb } from '../db/index.ts';
import { noticeFileName, noticeFileOfCase } from '../notices/index.ts';
import { AppError } from '../shared/app-error.ts';
import { sendStored, type ContentStore } from '../storage/index.ts';
import type { TOfficerAuth, TPrincipal } from '../web/principal.ts';
import { caseInScope, caseView, type TLang } from './case-view.ts';

const langOf = (q: unknown): TLang => (q === 'en' ? 'en' : 'vi');

/**
 * `GET /v1/cases/:id`: the case view as JSON (`?lang=en` for the flags in English);
 * `GET /v1/cases/:id/notice.pdf`: its notice as stored. Another agency's case is 404, as is a
 * case without a rendered notice.
 */
export const caseRoutes = (deps: { db: TDb; notices: ContentStore }, { requireOfficer }: TOfficerAuth): Router => {
  const router = Router();
  router.get('/v1/cases/:id', requireOfficer(), async (req, res) => {
    const principal = res.locals.principal as TPrincipal;
    const view = await caseView(deps.db, principal, String(req.params.id), { lang: langOf(req.query.lang) });
    res.set('Cache-Control', 'private, no-store').json(view);
  });
  router.get('/v1/cases/:id/notice.pdf', requireOfficer(), async (req, res) => {
    const principal = res.locals.principal as TPrincipal;
    const id = String(req.params.id);
    const notFound = new AppError('NOT_FOUND', `no notice of case ${id}`);
    if (!(await caseInScope(deps.db, principal, id))) throw notFound;
    const file = await noticeFileOfCase(deps.db, id);
    if (!file) throw notFound;
    await sendStored(req, res, deps.notices, { sha256: file.sha256, contentType: 'application/pdf', bytes: file.bytes, disposition: `inline; filename="${noticeFileName(file.number)}"` });
  });
  return router;
};
