import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import swaggerUi from 'swagger-ui-express';
import { config } from '../config/index.ts';
import type { TDb } from '../db/client.ts';
import { cameraEventRoutes, type TIngestDeps } from '../events/index.ts';
import type { TLogger } from '../shared/logger.ts';
import { errorHandler, notFound } from './error-handler.ts';
import { healthRoutes } from './health.ts';
import { openApiDocument } from './openapi.ts';
import { requestLog } from './request-log.ts';

export type TAppDeps = {
  db: TDb;
  redis: Redis;
  logger: TLogger;
  ingest: TIngestDeps;
  bodyLimitBytes: number;
  /** Bytes of camera bodies received at once; the process's BODY_BUDGET_MB when not given. */
  bodyBudgetBytes?: number;
};

export const createApp = (deps: TAppDeps): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLog(deps.logger));
  app.use(healthRoutes(deps.db, deps.redis));
  const doc = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  // Browser-facing pages get helmet's headers; machine-to-machine JSON does not need them.
  app.use('/docs', helmet(), swaggerUi.serve, swaggerUi.setup(doc));
  app.use(
    cameraEventRoutes(deps.ingest, {
      bodyLimitBytes: deps.bodyLimitBytes,
      bodyBudgetBytes: deps.bodyBudgetBytes ?? config().BODY_BUDGET_BYTES,
    }),
  );
  app.use(notFound);
  app.use(errorHandler);
  return app;
};
