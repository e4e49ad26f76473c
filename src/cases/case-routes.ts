import { Router } from 'express';
import type { TDb } from '../db/index.ts';
import type { TOfficerAuth, TPrincipal } from '../web/principal.ts';
import { caseView, type TLang } from './case-view.ts';

const langOf = (q: unknown): TLang => (q === 'en' ? 'en' : 'vi');

/** `GET /v1/cases/:id`: the case view as JSON (`?lang=en` for the flags in English); another agency's case is 404. */
export const caseRoutes = (deps: { db: TDb }, { requireOfficer }: TOfficerAuth): Router => {
  const router = Router();
  router.get('/v1/cases/:id', requireOfficer(), async (req, res) => {
    const principal = res.locals.principal as TPrincipal;
    const view = await caseView(deps.db, principal, String(req.params.id), { lang: langOf(req.query.lang) });
    res.set('Cache-Control', 'private, no-store').json(view);
  });
  return router;
};
