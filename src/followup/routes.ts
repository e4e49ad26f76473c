import express, { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { TPrincipal } from '../accounts/index.ts';
import type { TDb } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import { followupView, recordOwnerResponse, ZOwnerResponse } from './owner-response.ts';

const ZUuid = z.uuid();

/** Reviewers and supervisors record responses; to anyone else (an ADMIN alone) the route does not exist, as in src/review. */
const responderOf = (res: Response): TPrincipal => {
  const p = res.locals.principal as TPrincipal | undefined;
  if (!p) throw new Error('follow-up routes need the officer middleware before them');
  if (!p.roles.includes('REVIEWER') && !p.roles.includes('SUPERVISOR')) throw new AppError('NOT_FOUND', 'no such case');
  return p;
};

/** A case id in the path; a malformed one is a case that does not exist. */
const caseIdOf = (raw: unknown): string => {
  const r = ZUuid.safeParse(raw);
  if (!r.success) throw new AppError('NOT_FOUND', 'no such case');
  return r.data;
};

export const parseOwnerResponse = (body: unknown) => {
  const r = ZOwnerResponse.safeParse(body);
  if (!r.success) throw new AppError('VALIDATION_FAILED', 'the request is not valid', { details: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  return r.data;
};

/**
 * `POST /v1/cases/:id/response`: an officer records the owner's response (README "After
 * sending"); `GET /v1/cases/:id/followup`: the responses and escalations of a case the
 * officer may see. `requireOfficer` authenticates (and checks CSRF for cookie sessions).
 */
export const followupRoutes = (deps: { db: TDb; now?: () => Date }, requireOfficer: RequestHandler): Router => {
  const r = Router();
  r.post('/v1/cases/:id/response', requireOfficer, express.json({ limit: '16kb' }), async (req, res) => {
    const p = responderOf(res);
    const id = caseIdOf(req.params.id);
    res.status(201).json(await recordOwnerResponse(deps.db, p, id, parseOwnerResponse(req.body), deps.now?.()));
  });
  r.get('/v1/cases/:id/followup', requireOfficer, async (req, res) => {
    const p = res.locals.principal as TPrincipal;
    const id = caseIdOf(req.params.id);
    const [c] = await deps.db.$queryRaw<{ status: string }[]>`
      SELECT status::text AS status FROM "case" WHERE id = ${id}::uuid AND detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[])`;
    if (!c) throw new AppError('NOT_FOUND', 'no such case');
    res.set('Cache-Control', 'private, no-store').json({ status: c.status, ...(await followupView(deps.db, id, c.status)) });
  });
  return r;
};
