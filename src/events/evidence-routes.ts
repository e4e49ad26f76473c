import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { TDb } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import type { ContentStore } from '../storage/index.ts';
import type { TOfficerAuth, TPrincipal } from '../web/principal.ts';
import { evidenceFile } from './case-captures.ts';

export type TEvidenceRouteDeps = {
  db: TDb;
  store: ContentStore;
  /** Whether the officer may see the case (src/cases caseInScope). */
  caseVisible: (principal: TPrincipal, caseId: string) => Promise<boolean>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /v1/evidence/:id`: an evidence image, streamed from the content store to an officer
 * who may see its case, and to nobody else (404, as for a missing file: another agency's
 * evidence is not revealed). Its ETag is its sha256, so a revalidation costs no bytes;
 * the browser may keep it, shared caches may not.
 */
export const evidenceRoutes = (deps: TEvidenceRouteDeps, { requireOfficer }: TOfficerAuth): Router => {
  const router = Router();
  router.get('/v1/evidence/:id', requireOfficer(), async (req, res) => {
    const principal = res.locals.principal as TPrincipal;
    const id = String(req.params.id);
    const notFound = new AppError('NOT_FOUND', `no evidence ${id}`);
    if (!UUID.test(id)) throw notFound;
    const file = await evidenceFile(deps.db, id);
    if (!file || !file.caseId || !(await deps.caseVisible(principal, file.caseId))) throw notFound;
    const etag = `"${file.sha256}"`;
    // Not kept by the browser: review stations are shared, and an officer who logged out
    // must leave no evidence behind (a revalidation with the ETag still answers 304).
    res.set({
      'Cache-Control': 'private, no-store',
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    });
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const stream = deps.store.read(file.sha256);
    try {
      await once(stream, 'open');
    } catch (err) {
      throw new AppError('INTERNAL', `evidence ${id} is missing from the store`, { cause: err });
    }
    res.status(200).type(file.contentType).set('Content-Length', String(file.sizeBytes));
    // A client that goes away mid-image is not an error of ours.
    await pipeline(stream, res).catch((err: unknown) => req.log.debug({ err }, 'evidence stream ended early'));
  });
  return router;
};
