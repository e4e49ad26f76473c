import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import { AppError } from '../shared/app-error.ts';
import { requestOrigin } from '../shared/request-origin.ts';

/** Where the dashboard is mounted (its pages and its API below it). */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board's UI cannot send our CSRF token, so its actions (retry, clean, pause: PUT,
 * POST, DELETE from its script) must come from a page of this origin: browsers send
 * `Origin` on every such request, and a form or script of another site names its own.
 * (The SameSite=Lax session cookie is already withheld from cross-site posts; this is the
 * second lock.)
 */
export const sameOriginWrites: RequestHandler = (req, _res, next) => {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  if (requestOrigin(req) !== 'same') throw new AppError('CSRF_INVALID', 'dashboard actions come from the dashboard page of this site');
  next();
};

/**
 * The BullMQ dashboard (@bull-board/express) over `queues()`, built on the first request,
 * so processes and tests that never open it make no queues for it. Mount it behind the
 * ADMIN check: it has no authentication of its own.
 */
export const queueDashboard = (queues: () => Queue[]): RequestHandler => {
  let router: RequestHandler | undefined;
  const build = (): RequestHandler => {
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({ queues: queues().map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'Phạt nguội · BullMQ' } } });
    return serverAdapter.getRouter() as RequestHandler;
  };
  return (req, res, next) => (router ??= build())(req, res, next);
};
