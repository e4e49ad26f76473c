import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { ZLoginAnswer, ZLoginBody } from '../accounts/index.ts';
import { ZDeliveryReceipt, ZReceiptAnswer } from '../dispatch/index.ts';
import { ZCameraEvent, ZIngestAnswer } from '../events/index.ts';
import { Violation } from '../generated/prisma/enums.ts';
import { ZOwnerResponse } from '../followup/index.ts';
import { ZDecision } from '../review/index.ts';
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

/** A 409 of the review routes: the case's current state, so a client can tell what happened to it. */
const ZConflict = z
  .object({ error: z.object({ code: z.literal('CONFLICT'), message: z.string(), details: z.object({ status: z.string().meta({ description: 'the case state now, e.g. APPROVED' }) }) }) })
  .meta({ id: 'ReviewConflict' });
const conflict = (description: string) => ({ description, content: { 'application/json': { schema: ZConflict } } });

const ZCaseSummary = z
  .object({
    id: z.uuid(),
    status: z.string(),
    plate: z.string(),
    plateRaw: z.string(),
    plateColor: z.string(),
    vehicleClass: z.string(),
    violation: z.string(),
    flags: z.array(z.string()),
    site: z.string(),
    firstCapturedAt: z.iso.datetime(),
    eventCount: z.int(),
    noticeDueAt: z.iso.datetime().nullable(),
    dueSoon: z.boolean().meta({ description: 'within 2 days of the notice deadline (or past it)' }),
    fineMin: z.int().nullable(),
    fineMax: z.int().nullable(),
    fineAmount: z.int().nullable().meta({ description: 'the proposed amount (VND); an amount approved before is never shown here (QA is blind)' }),
    points: z.int().nullable(),
    legalBasis: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CaseSummary' });
const ZClaim = z.object({ id: z.uuid(), expiresAt: z.iso.datetime() }).meta({ id: 'Claim' });
const officer: Record<string, string[]>[] = [{ officerBearer: [] }, { officerCookie: [] }];
const caseId = z.object({ caseId: z.uuid() });

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
        providerChannel: { type: 'apiKey', in: 'header', name: 'X-Channel', description: 'SMS or EID: whose shared secret (SMS_KEY, EID_KEY) signs the receipt' },
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
      '/v1/deliveries/receipts': {
        post: {
          summary: "A provider's delivery receipt (SMS gateway, e-ID app): the message it took was delivered or bounced",
          description:
            'Signed like camera events, with the provider\'s shared secret: X-Signature = "sha256=" + hex HMAC-SHA256(secret, X-Timestamp + "." + raw body). ' +
            'messageId is the Idempotency-Key of our request. A bounce plans the notice\'s next delivery channel.',
          security: [{ providerChannel: [], timestamp: [], signature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: ZDeliveryReceipt } } },
          responses: {
            '200': { description: 'Recorded (duplicate: true when the delivery already had this status)', content: { 'application/json': { schema: ZReceiptAnswer } } },
            '400': err('Malformed JSON or schema errors'),
            '401': err('X-Channel missing or not a configured provider, signature missing or wrong, X-Timestamp outside the window'),
            '404': err('No delivery of this channel has that message id'),
            '409': err('The delivery is not SENT (details.status says what it is)'),
            '413': err('Body over 64 KB'),
            '415': err('Content-Type is not application/json'),
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
          summary: "An officer's view of one case: captures and evidence URLs, plate as read and normalised with confidence, registry record beside what the camera saw, camera and certificate, act, rule, range, amount, points, deadlines and days left, flags in words (?lang=en for English), audit history; once approved its notice (number, issuedAt, PDF sha256 and size, accessCode \"set\" or \"not set\", never the hash; pdfUrl), every delivery (channel, status, address, attempts, message and provider ids, sent/delivered/failed times, last error), owner responses and escalations",
          requestParams: { path: z.object({ id: z.uuid() }), query: z.object({ lang: z.enum(['vi', 'en']).optional() }) },
          responses: {
            '200': { description: 'The case view' },
            '401': err('Not signed in'),
            '404': err("No such case, or another agency's case (its existence is not revealed)"),
          },
        },
      },
      '/v1/cases/{id}/notice.pdf': {
        get: {
          summary: "The case's notice PDF as stored (its sha256 is the case view's notice.pdfSha256), for officers who may see the case; Cache-Control private, no-store",
          security: officer,
          requestParams: { path: z.object({ id: z.uuid() }) },
          responses: {
            '200': { description: 'application/pdf', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } },
            '401': err('Not signed in'),
            '404': err("No such case, another agency's case, or no notice rendered yet"),
          },
        },
      },
      '/v1/review/queue': {
        get: {
          summary: "The cases waiting in the officer's queues (reviewers: PENDING_REVIEW and QA_REVIEW; supervisors also ESCALATED_REVIEW), in their scope, by notice deadline then age, at most 100",
          security: officer,
          requestParams: {
            query: z.object({
              flag: z.string().optional().meta({ description: 'only cases with this flag' }),
              violation: z.enum(Violation).optional(),
              camera: z.string().optional().meta({ description: 'camera code: cases with an event from it' }),
              site: z.string().optional().meta({ description: 'site code' }),
            }),
          },
          responses: {
            '200': {
              description: 'The page of cases, how many wait under the filters, and per flag how many wait under the other filters (the tabs)',
              content: { 'application/json': { schema: z.object({ cases: z.array(ZCaseSummary.extend({ claimed: z.boolean() })), total: z.int(), flagCounts: z.record(z.string(), z.int()) }) } },
            },
            '400': err('A filter is malformed'),
            '401': err('Not signed in'),
            '404': err('The officer reviews nothing (ADMIN only)'),
          },
        },
      },
      '/v1/review/next': {
        post: {
          summary: 'Claims the most urgent eligible case (escalated first for supervisors, then QA, then new) with a lease of REVIEW_LEASE_SECONDS; a live claim already held is answered again',
          security: officer,
          requestBody: { content: { 'application/json': { schema: z.object({ queue: z.enum(['ESCALATED', 'QA', 'REVIEW']).optional() }) } } },
          responses: {
            '200': { description: 'The claimed case', content: { 'application/json': { schema: ZCaseSummary.extend({ queue: z.enum(['ESCALATED', 'QA', 'REVIEW']), claim: ZClaim }) } } },
            '204': { description: 'No case waits for this officer' },
            '401': err('Not signed in'),
            '403': err('CSRF_INVALID: a cookie request without its X-CSRF-Token'),
            '404': err('A queue the officer does not work'),
            '503': err('BUSY: every candidate was taken meanwhile; retry after Retry-After'),
          },
        },
      },
      '/v1/review/claims/{caseId}/renew': {
        post: {
          summary: "Extends the officer's live claim by a full lease (pages call it every third of the lease while open)",
          security: officer,
          requestParams: { path: caseId },
          responses: {
            '200': { description: 'The claim with its new expiry', content: { 'application/json': { schema: ZClaim } } },
            '404': err("No such case, or another agency's"),
            '409': conflict('The officer holds no live claim on it (expired, released, decided): the claim is lost'),
          },
        },
      },
      '/v1/review/claims/{caseId}': {
        delete: {
          summary: "Gives the officer's live claim back to the queue",
          security: officer,
          requestParams: { path: caseId },
          responses: { '204': { description: 'Released' }, '404': err("No such case, or another agency's"), '409': conflict('No live claim of this officer on it') },
        },
      },
      '/v1/cases/{id}/decision': {
        post: {
          summary: 'Decides a case the officer holds a live claim on (a supervisor on an escalated case)',
          description:
            'APPROVE: amount defaults to the proposed one (on an escalated or QA case, the amount approved before); another amount within the rule range needs reason. ' +
            'REJECT: reason is one of the coded reasons; OTHER needs note. CORRECT_PLATE: the case goes back through owner look-up and fine assessment. ' +
            'CHANGE_ACT: re-assessed as the new act. ESCALATE: to a supervisor, with a note. A resubmit of the same decision answers it again (replayed: true).',
          security: officer,
          requestParams: { path: z.object({ id: z.uuid() }) },
          requestBody: { required: true, content: { 'application/json': { schema: ZDecision } } },
          responses: {
            '200': {
              description: 'Recorded; the case state it moved to',
              content: { 'application/json': { schema: z.object({ decisionId: z.uuid(), kind: z.enum(['APPROVE', 'REJECT', 'CORRECT_PLATE', 'CHANGE_ACT', 'ESCALATE']), status: z.string(), replayed: z.boolean() }) } },
            },
            '400': err('Not a valid decision, an amount outside the range or without its reason, a decision the state does not allow (a QA review approves, rejects or escalates)'),
            '401': err('Not signed in'),
            '403': err('CSRF_INVALID: a cookie request without its X-CSRF-Token'),
            '404': err("No such case, another agency's, or an escalated case for a non-supervisor"),
            '409': conflict('The case moved meanwhile (decided, released, claim expired) or the officer decided it before (four eyes): details.status is its state now'),
          },
        },
      },
      '/v1/cases/{id}/followup': {
        get: {
          summary: "The case's state, the owner's responses recorded and its escalations (target, state, attempts, sent and lifted times, last error)",
          security: officer,
          requestParams: { path: z.object({ id: z.uuid() }) },
          responses: { '200': { description: 'The follow-up of the case' }, '401': err('Not signed in'), '404': err("No such case, or another agency's") },
        },
      },
      '/v1/cases/{id}/response': {
        post: {
          summary: "Records the owner's response to the notice (came in person, identified the driver): the case goes to RESPONDED, the 20-day period stops, escalations are lifted",
          description:
            'For REVIEWERs and SUPERVISORs of the case\'s agency (or one above it), on a case whose notice was issued (NOTICE_ISSUED, NOTIFIED or OVERDUE). ' +
            'DRIVER_IDENTIFIED needs driverName. respondedAt (ISO 8601 with offset) defaults to now and may not lie in the future. ' +
            'Escalations sent (or whose send was attempted) are lifted at the agencies by the escalation stage; those never sent are withdrawn without a call.',
          security: officer,
          requestParams: { path: z.object({ id: z.uuid() }) },
          requestBody: { required: true, content: { 'application/json': { schema: ZOwnerResponse } } },
          responses: {
            '201': {
              description: 'Recorded',
              content: {
                'application/json': {
                  schema: z.object({
                    responseId: z.uuid(),
                    status: z.literal('RESPONDED'),
                    from: z.string().meta({ description: 'the state the case left' }),
                    liftRequested: z.int().meta({ description: 'escalations the agencies are called to lift' }),
                    withdrawn: z.int().meta({ description: 'escalations never sent, lifted without a call' }),
                  }),
                },
              },
            },
            '400': err('Not a valid response (DRIVER_IDENTIFIED without driverName, respondedAt in the future or before the capture, an unknown field)'),
            '401': err('Not signed in'),
            '403': err('CSRF_INVALID: a cookie request without its X-CSRF-Token'),
            '404': err("No such case, another agency's, or an officer who neither reviews nor supervises"),
            '409': conflict('The case has no notice issued yet or is resolved (a response recorded, time-barred, …): details.status is its state'),
          },
        },
      },
      '/v1/evidence/{id}': {
        get: {
          summary: "One evidence image, for officers who may see its case; ETag is the file's sha256, Cache-Control private, no-store (shared stations)",
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
