import express, { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../shared/app-error.ts';
import { claimNext, releaseClaim, renewClaim, type TClaimDeps } from './claims.ts';
import { decide, type TDecideDeps } from './decide.ts';
import { ZDecision } from './decision-input.ts';
import type { TPrincipal } from './principal.ts';
import { listQueue, ZQueueQuery } from './queue.ts';
import { queuesOf } from './rules.ts';

export type TReviewDeps = TClaimDeps & TDecideDeps;

const ZUuid = z.uuid();
const ZNextBody = z.strictObject({ queue: z.enum(['ESCALATED', 'QA', 'REVIEW']).optional() });

/** The officer, who must review (REVIEWER or SUPERVISOR): to anyone else these routes do not exist. */
const principalOf = (res: Response): TPrincipal => {
  const p = res.locals.principal as TPrincipal | undefined;
  if (!p) throw new Error('review routes need the officer middleware before them');
  if (queuesOf(p).length === 0) throw new AppError('NOT_FOUND', 'no review for this officer');
  return p;
};

const parse = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('VALIDATION_FAILED', 'the request is not valid', { details: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  return r.data;
};

/** A case id in the path; a malformed one is a case that does not exist. */
const caseIdOf = (raw: unknown): string => {
  const r = ZUuid.safeParse(raw);
  if (!r.success) throw new AppError('NOT_FOUND', 'no such case');
  return r.data;
};

/**
 * The review API: the queue, claims and decisions (README "Officer review").
 * `requireOfficer` authenticates and sets `res.locals.principal` (src/accounts).
 */
export const reviewRoutes = (deps: TReviewDeps, requireOfficer: RequestHandler): Router => {
  const r = Router();
  const json = express.json({ limit: '16kb' });
  r.get('/v1/review/queue', requireOfficer, async (req, res) => {
    res.json(await listQueue(deps.db, principalOf(res), parse(ZQueueQuery, req.query)));
  });
  r.post('/v1/review/next', requireOfficer, json, async (req, res) => {
    const claimed = await claimNext(deps, principalOf(res), parse(ZNextBody, req.body ?? {}));
    if (!claimed) res.status(204).end();
    else res.json(claimed);
  });
  r.post('/v1/review/claims/:caseId/renew', requireOfficer, async (req, res) => {
    res.json(await renewClaim(deps, principalOf(res), caseIdOf(req.params.caseId)));
  });
  r.delete('/v1/review/claims/:caseId', requireOfficer, async (req, res) => {
    await releaseClaim(deps, principalOf(res), caseIdOf(req.params.caseId));
    res.status(204).end();
  });
  r.post('/v1/cases/:id/decision', requireOfficer, json, async (req, res) => {
    const id = caseIdOf(req.params.id);
    const outcome = await decide(deps, principalOf(res), id, parse(ZDecision, req.body));
    res.json(outcome);
  });
  return r;
};
