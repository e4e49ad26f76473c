import type { Queue } from 'bullmq';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import swaggerUi from 'swagger-ui-express';
import { authRoutes, csrfProtection, requireOfficer, type TAuthLocals } from '../accounts/index.ts';
import type { TDb } from '../db/index.ts';
import { caseInScope, caseRoutes } from '../cases/index.ts';
import { noticePageRoutes, type TNoticePageDeps } from '../citizens/index.ts';
import { cameraEventRoutes, evidenceRoutes, type TIngestDeps, type TIngestHttpLimits, type TIngestMetrics } from '../events/index.ts';
import { receiptRoutes, type TReceiptRouteDeps } from '../dispatch/index.ts';
import type { TLogger } from '../shared/logger.ts';
import type { ContentStore } from '../storage/index.ts';
import { followupRoutes } from '../followup/index.ts';
import { reviewRoutes } from '../review/index.ts';
import { adminRoutes, pageRoutes, QUEUE_DASHBOARD_PATH, queueDashboard, sameOriginWrites, supervisorRoutes, type TOfficerAuth } from '../web/index.ts';
import { errorHandler, notFound } from './error-handler.ts';
import { healthRoutes } from './health.ts';
import { openApiDocument } from './openapi.ts';
import { installRequestLog } from './request-log.ts';

export type TAppDeps = {
  db: TDb;
  redis: Redis;
  logger: TLogger;
  ingest: TIngestDeps;
  ingestLimits: TIngestHttpLimits;
  ingestMetrics: TIngestMetrics;
  /** Officers' sessions: read by requireOfficer and csrfProtection from app.locals.auth. */
  auth: TAuthLocals;
  /** Claims and decisions (src/review): lease, supervisor threshold, QA share. */
  review: { leaseSeconds: number; supervisorThresholdVnd: number; qaSampleRate: number };
  /** Stands in for src/accounts' requireOfficer (tests sign officers in by a header); by default the real one. */
  officerAuth?: TOfficerAuth;
  /** Notice PDFs (officers download them from the case; citizens from the notice page). */
  noticeFiles: ContentStore;
  /** The notice page citizens open with their access code (src/citizens). */
  noticePage: TNoticePageDeps;
  /** Every stage and maintenance queue, for the ADMINs' BullMQ dashboard at /admin/queues. */
  dashboardQueues?: () => Queue[];
  /** The clock owner responses are checked against (tests move it). */
  now?: () => Date;
  /** Delivery receipts from the SMS and e-ID providers (src/dispatch). */
  receipts: TReceiptRouteDeps;
};

export const createApp = (deps: TAppDeps): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  installRequestLog(app, deps.logger);
  // The camera route first: it takes nearly all requests, so they skip matching the others.
  app.use(cameraEventRoutes(deps.ingest, deps.ingestLimits, deps.ingestMetrics));
  app.use(healthRoutes(deps.db, deps.redis, deps.logger));
  app.use(receiptRoutes(deps.receipts));
  app.locals.auth = deps.auth;
  app.use(authRoutes(deps.auth));
  const doc = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  // Browser-facing pages get helmet's headers; machine-to-machine JSON does not need them.
  app.use('/docs', helmet(), swaggerUi.serve, swaggerUi.setup(doc));
  const officerAuth = deps.officerAuth ?? { requireOfficer };
  const db = deps.db;
  app.use(caseRoutes({ db, notices: deps.noticeFiles }, officerAuth));
  app.use(evidenceRoutes({ db, store: deps.ingest.evidence, caseVisible: (p, caseId) => caseInScope(db, p, caseId) }, officerAuth));
  app.use(pageRoutes({ db, ...deps.review }, officerAuth));
  app.use(supervisorRoutes({ db }, officerAuth));
  app.use(adminRoutes({ db }, officerAuth));
  app.use(noticePageRoutes(deps.noticePage));
  if (deps.dashboardQueues) {
    // bull-board's page loads its scripts from this origin and inlines none (helmet's default CSP holds).
    app.use(QUEUE_DASHBOARD_PATH, helmet(), officerAuth.requireOfficer({ roles: ['ADMIN'] }), sameOriginWrites, queueDashboard(deps.dashboardQueues));
  }
  // The review API: any signed-in officer (the routes check REVIEWER/SUPERVISOR themselves),
  // and the CSRF token for posts made with the page's cookie.
  const officer = officerAuth.requireOfficer();
  const officerWithCsrf: RequestHandler = (req, res, next) =>
    officer(req, res, (err?: unknown) => (err ? next(err) : void Promise.resolve(csrfProtection(req, res, next)).catch(next)));
  app.use(reviewRoutes({ db, ...deps.review }, officerWithCsrf));
  app.use(followupRoutes({ db, now: deps.now }, officerWithCsrf));
  app.use(notFound);
  app.use(errorHandler);
  return app;
};
