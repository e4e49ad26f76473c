import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { ZLoginAnswer, ZLoginBody } from '../accounts/index.ts';
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
      title: 'Phạt nguội: camera violation ingest and officer access',
      version: '1.0.0',
      description:
        'Cameras sign each request: X-Signature = "sha256=" + hex HMAC-SHA256(camera secret, X-Timestamp + "." + raw body). ' +
        'X-Timestamp is unix seconds and must be within ±5 minutes of server time. A resend carries the same eventId. ' +
        'Violation codes are added, never changed or removed (the README lists each with its provision of Decree 168/2024/NĐ-CP); ' +
        'FORBIDDEN_TURN is a left or right turn against a sign (turning without signalling is TURN_WITHOUT_SIGNAL); a U-turn is FORBIDDEN_U_TURN (against a ' +
        'no-U-turn sign) or U_TURN_BANNED_PLACE (where the law bans it without a sign: pedestrian crossing, bridge, underpass, level crossing, narrow or ' +
        'steep road, blind curve, one-way road); reversing where it is banned is REVERSING; a FORBIDDEN_TURN case is confirmed by an officer (it covered U-turns before). ' +
        'ILLEGAL_PARKING is parking where a sign or the place forbids it; a motorcycle left on the roadway or sidewalk is PARKING_ON_ROADWAY_OR_SIDEWALK. ' +
        'Where the act was captured (expressway, urban or densely populated area, bridge, tunnel) comes from the camera\'s site, the time of day from capturedAt.',
    },
    components: {
      securitySchemes: {
        cameraId: { type: 'apiKey', in: 'header', name: 'X-Camera-Id' },
        timestamp: { type: 'apiKey', in: 'header', name: 'X-Timestamp' },
        signature: { type: 'apiKey', in: 'header', name: 'X-Signature' },
        officerBearer: { type: 'http', scheme: 'bearer', description: 'the token POST /v1/auth/login answers' },
        officerCookie: { type: 'apiKey', in: 'cookie', name: 'pn_session', description: '__Host-pn_session in production; posts also need X-CSRF-Token' },
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
      '/v1/auth/login': {
        post: {
          summary: 'Officer login: a session token for Authorization: Bearer, and the session cookie for pages',
          description:
            'Each login opens a new session (idle expiry SESSION_IDLE_MINUTES, default 30; absolute SESSION_ABSOLUTE_HOURS, default 12). ' +
            'Bearer calls need no CSRF token; posts made with the cookie send X-CSRF-Token. LOGIN_MAX_FAILURES (5) wrong passwords in a row lock the ' +
            'account for LOGIN_LOCKOUT_MINUTES (15). An unknown username, a wrong password, a locked or a disabled account all get the same 401.',
          requestBody: { required: true, content: { 'application/json': { schema: ZLoginBody } } },
          responses: {
            '200': { description: 'Signed in; Set-Cookie carries the session (HttpOnly, SameSite=Lax, Secure in production)', content: { 'application/json': { schema: ZLoginAnswer } } },
            '400': err('username or password missing'),
            '401': err('INVALID_CREDENTIALS: wrong username or password, or the account is locked or disabled (one answer for all)'),
            '429': err('RATE_LIMITED: too many attempts for this username (LOGIN_RATE_PER_USER) or from this address (LOGIN_RATE_PER_IP) in LOGIN_RATE_WINDOW_SECONDS; wait Retry-After seconds'),
          },
        },
      },
      '/v1/auth/logout': {
        post: {
          summary: 'Ends the session the request is made with',
          security: [{ officerBearer: [] }, { officerCookie: [] }],
          responses: {
            '204': { description: 'Session revoked; the cookie is cleared' },
            '401': err('UNAUTHENTICATED: no live session'),
            '403': err('CSRF_INVALID: a cookie request without its X-CSRF-Token'),
          },
        },
      },
      '/v1/auth/csrf': {
        get: {
          summary: "The session's CSRF token, for pages and scripts that post with the cookie (null for a bearer call)",
          security: [{ officerBearer: [] }, { officerCookie: [] }],
          responses: { '200': { description: '{ csrfToken }' }, '401': err('UNAUTHENTICATED') },
        },
      },
      '/v1/auth/me': {
        get: {
          summary: 'The signed-in officer',
          security: [{ officerBearer: [] }, { officerCookie: [] }],
          responses: { '200': { description: '{ officer: { officerId, username, fullName, agencyId, agencyCode, roles } }' }, '401': err('UNAUTHENTICATED') },
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
