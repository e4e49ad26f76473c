/**
 * Every error code of the service and its HTTP status: the API answers with them, the
 * admin CLI prints their messages (INVALID_INPUT and CONFLICT are the operator's).
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  /** Node's HTTP parser could not read the request. */
  MALFORMED_REQUEST: 400,
  MALFORMED_JSON: 400,
  JSON_TOO_COMPLEX: 400,
  INVALID_PLATE: 400,
  INVALID_EVIDENCE: 400,
  CAPTURED_IN_FUTURE: 400,
  CAPTURED_BEYOND_LIMITATION: 400,
  INVALID_INPUT: 400,
  SIGNATURE_MISSING: 401,
  SIGNATURE_INVALID: 401,
  TIMESTAMP_OUT_OF_WINDOW: 401,
  /** No live officer session (none given, expired, revoked, or the officer disabled). */
  UNAUTHENTICATED: 401,
  /** One answer for unknown username, wrong password, locked or disabled account. */
  INVALID_CREDENTIALS: 401,
  /** Signed in, but without the role the route needs. */
  FORBIDDEN: 403,
  /** A post made with the session cookie without its CSRF token. */
  CSRF_INVALID: 403,
  CAMERA_UNKNOWN: 403,
  CAMERA_DISABLED: 403,
  NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  /** The request contradicts what is stored (a duplicate, a changed rule, a letter already re-driven). */
  CONFLICT: 409,
  EVENT_ID_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  /** Too many attempts (logins per username or client); wait Retry-After seconds. */
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  /** The audit log or its checkpoints do not verify (admin CLI, checkpoint task): history was changed or lost. */
  AUDIT_BROKEN: 500,
  /** The environment configuration is wrong; the process does not start. */
  CONFIG_INVALID: 500,
  DEPENDENCY_UNAVAILABLE: 503,
  BUSY: 503,
} as const;

export type TErrorCode = keyof typeof ERROR_STATUS;

export type TErrorBody = { error: { code: TErrorCode; message: string; details?: unknown } };

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly details: unknown;
  /** Seconds the client should wait before retrying (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(code: TErrorCode, message: string, opts: { details?: unknown; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = opts.details;
    this.retryAfter = opts.retryAfter;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON(): TErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
