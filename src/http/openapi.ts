import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { ZCameraEvent, ZIngestAnswer } from '../events/index.ts';
import { ERROR_STATUS } from '../shared/app-error.ts';

const ZError = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

const err = (description: string) => ({ description, content: { 'application/json': { schema: ZError } } });

/** The OpenAPI document, generated from the same zod schemas the routes validate with. */
export const openApiDocument = () =>
  createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Phạt nguội: camera violation ingest',
      version: '1.0.0',
      description:
        'Cameras sign each request: X-Signature = "sha256=" + hex HMAC-SHA256(camera secret, X-Timestamp + "." + raw body). ' +
        'X-Timestamp is unix seconds and must be within ±5 minutes of server time. A resend carries the same eventId. ' +
        'Violation codes are added, never changed or removed (the README lists each with its provision of Decree 168/2024/NĐ-CP); ' +
        'FORBIDDEN_TURN is a left or right turn against a sign (turning without signalling is TURN_WITHOUT_SIGNAL); a U-turn is FORBIDDEN_U_TURN (against a ' +
        'no-U-turn sign) or U_TURN_BANNED_PLACE (where the law bans it without a sign: pedestrian crossing, bridge, underpass, level crossing, narrow or ' +
        'steep road, blind curve, one-way road); reversing where it is banned is REVERSING. ' +
        'Where the act was captured (expressway, urban or densely populated area, bridge, tunnel) comes from the camera\'s site, the time of day from capturedAt.',
    },
    components: {
      securitySchemes: {
        cameraId: { type: 'apiKey', in: 'header', name: 'X-Camera-Id' },
        timestamp: { type: 'apiKey', in: 'header', name: 'X-Timestamp' },
        signature: { type: 'apiKey', in: 'header', name: 'X-Signature' },
      },
    },
    paths: {
      '/v1/camera-events': {
        post: {
          summary: 'Submit one violation event with its evidence',
          security: [{ cameraId: [], timestamp: [], signature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: ZCameraEvent } } },
          responses: {
            '202': { description: 'Stored; it will be processed', content: { 'application/json': { schema: ZIngestAnswer } } },
            '200': { description: 'A resend of an already stored eventId (duplicate: true); nothing stored twice', content: { 'application/json': { schema: ZIngestAnswer } } },
            '400': err('Schema errors (each bad field in details; a key __proto__, constructor or prototype anywhere is one), malformed JSON, JSON nested over 16 levels or holding over 1,024 values (JSON_TOO_COMPLEX), bad plate, evidence bytes not the claimed image type, capturedAt in the future (CAPTURED_IN_FUTURE) or past the 1-year limitation (CAPTURED_BEYOND_LIMITATION)'),
            '401': err('Missing or wrong signature, or X-Timestamp outside ±5 minutes'),
            '403': err('Unknown or disabled camera'),
            '409': err('The eventId was already used for a different event'),
            '413': err('Body over the size limit (default 10 MB); a declared Content-Length over it is refused unread. A body not received whole within BODY_READ_TIMEOUT_MS (30 s) has its connection closed, without an answer'),
            '415': err('Content-Type is not application/json, a charset other than utf-8, or a Content-Encoding (compressed bodies are not accepted)'),
            '431': err('Request headers over 16 KB (HEADERS_TOO_LARGE)'),
            '503': err('DEPENDENCY_UNAVAILABLE: the event store is unavailable; BUSY: this process is receiving too many bodies at once. Nothing was stored; retry after the Retry-After header'),
          },
        },
      },
      '/v1/cases/{id}': {
        get: {
          summary: "An officer's view of one case: captures and evidence URLs, plate as read and normalised with confidence, registry record beside what the camera saw, camera and certificate, act, rule, range, amount, points, deadlines and days left, flags in words (?lang=en for English), audit history",
          requestParams: { path: z.object({ id: z.uuid() }), query: z.object({ lang: z.enum(['vi', 'en']).optional() }) },
          responses: {
            '200': { description: 'The case view' },
            '401': err('Not signed in'),
            '404': err("No such case, or another agency's case (its existence is not revealed)"),
          },
        },
      },
      '/v1/evidence/{id}': {
        get: {
          summary: "One evidence image, for officers who may see its case; ETag is the file's sha256, Cache-Control private",
          requestParams: { path: z.object({ id: z.uuid() }) },
          responses: {
            '200': { description: 'The image bytes with their stored Content-Type' },
            '304': { description: 'Not modified (If-None-Match matched the sha256)' },
            '401': err('Not signed in'),
            '404': err("No such evidence, or another agency's case"),
          },
        },
      },
      '/healthz': { get: { summary: 'Process alive', responses: { '200': { description: 'ok' } } } },
      '/readyz': { get: { summary: 'Ready to take camera events: PostgreSQL reachable (Redis reported beside it; events wait in the outbox while it is down)', responses: { '200': { description: 'ready' }, '503': { description: 'PostgreSQL is down' } } } },
    },
  });
