export { ZCameraEvent, ZIngestAnswer, ZEvidenceItem } from './camera-event.schema.ts';
export type { TCameraEvent, TIngestAnswer } from './camera-event.schema.ts';
export { cameraEventRoutes } from './routes.ts';
export { ingestCameraEvent, CERT_EXPIRED } from './ingest-event.ts';
export type { TIngestDeps } from './ingest-event.ts';
export { EvidenceStore } from './evidence-store.ts';
export { EventWriter } from './event-writer.ts';
export { signBody, verifySignature } from './signature.ts';
