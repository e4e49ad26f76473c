import express, { Router } from 'express';
import { AppError } from '../shared/app-error.ts';
import { ingestCameraEvent, type TIngestDeps } from './ingest-event.ts';

/** `POST /v1/camera-events`: a thin adapter over the ingest use case. */
export const cameraEventRoutes = (deps: TIngestDeps, bodyLimitBytes: number): Router => {
  const router = Router();
  router.post(
    '/v1/camera-events',
    (req, _res, next) => {
      if (!req.is('application/json')) {
        next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'));
        return;
      }
      next();
    },
    // Raw bytes: the signature covers the body exactly as sent, and JSON is parsed only
    // after the signature checks out.
    express.raw({ type: () => true, limit: bodyLimitBytes }),
    async (req, res) => {
      const result = await ingestCameraEvent(deps, {
        cameraCode: req.get('x-camera-id'),
        timestamp: req.get('x-timestamp'),
        signature: req.get('x-signature'),
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      });
      res.status(result.httpStatus).json(result.answer);
    },
  );
  return router;
};
