import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { TDb } from '../db/index.ts';
import { cameraEventRoutes, type TIngestDeps } from '../events/index.ts';
import type { TLogger } from '../shared/logger.ts';
import { errorHandler, notFound } from './error-handler.ts';
import { healthRoutes } from './health.ts';
import { openApiDocument } from './openapi.ts';

export type TAppDeps = {
  db: TDb;
  redis: Redis;
  logger: TLogger;
  ingest: TIngestDeps;
  bodyLimitBytes: number;
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const createApp = (deps: TAppDeps): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    pinoHttp({
      logger: deps.logger,
      // A caller's X-Request-Id is kept when well-formed, so one id follows a request
      // across the gateway and this service; every log line of the request carries it.
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(healthRoutes(deps.db, deps.redis, deps.logger));
  const doc = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  // Browser-facing pages get helmet's headers; machine-to-machine JSON does not need them.
  app.use('/docs', helmet(), swaggerUi.serve, swaggerUi.setup(doc));
  app.use(cameraEventRoutes(deps.ingest, deps.bodyLimitBytes));
  app.use(notFound);
  app.use(errorHandler);
  return app;
};
