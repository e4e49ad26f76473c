import { signBody } from '../events/index.ts';
import type { EscalationTarget } from '../generated/prisma/enums.ts';

/** The agency cannot be reached now (network, timeout, 5xx, 429, not configured): the escalation waits, no attempt is spent. */
export class EscalationUnavailableError extends Error {
  override name = 'EscalationUnavailableError';
}

/** What is sent for one escalation: the hold (HOLD) or its lifting (LIFT). */
export type TEscalationRequest = {
  escalationId: string;
  action: 'HOLD' | 'LIFT';
  target: EscalationTarget;
  /** Form 04 (Circular 73/2024) for the commune police; null for the registries' flags. */
  form: '04' | null;
  basis: string;
  /** Why a hold is lifted: the case's state (RESPONDED, TIME_BARRED, PAID, CLOSED). */
  cause?: string;
  case: {
    id: string;
    plate: string;
    plateColor: string;
    vehicleClass: string;
    violation: string;
    capturedAt: string;
    legalBasis: string | null;
    detectingUnit: string | null;
  };
  notice: { number: string; sentAt: string | null; responseDueAt: string | null } | null;
  owner: { type: string; name: string; idNumber: string; address: string; provinceCode: string | null } | null;
};

export type TEscalationAdapter = { deliver: (req: TEscalationRequest) => Promise<{ reference: string | null }> };

export type THttpEscalationOptions = {
  url: string;
  /** HMAC-SHA256 key the agency's endpoint checks the signature with. */
  signingKey: string;
  timeoutMs: number;
  nowSeconds?: () => number;
};

/** The Idempotency-Key of a request: one per escalation and action, the same on every retry. */
export const idempotencyKey = (req: Pick<TEscalationRequest, 'escalationId' | 'action'>): string => `${req.escalationId}-${req.action.toLowerCase()}`;

/**
 * Delivers escalations to the agencies' gateway over HTTP: `POST {ESCALATION_URL}` with
 * the request as JSON, signed as cameras sign theirs (X-Timestamp, X-Signature =
 * sha256=hex HMAC-SHA256(key, timestamp + "." + body), src/events/signature.ts), and an
 * Idempotency-Key per escalation and action, so a retry after a lost answer is one hold
 * (or one lift) at the agency. 2xx: done (a `reference` in the JSON answer is kept);
 * network failures, timeouts, 429 and 5xx: unavailable (retried later); any other answer
 * is a refusal that a person must look at (the job fails into the dead letters).
 *
 * The gateway's side of the contract: a request is applied once per Idempotency-Key, and a
 * LIFT is final for its escalation id: a HOLD arriving after it (a retry that was in flight
 * when the case was resolved) is ignored.
 */
export const httpEscalationAdapter = (opts: THttpEscalationOptions): TEscalationAdapter => ({
  deliver: async (req) => {
    const body = JSON.stringify(req);
    const timestamp = String((opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000)))());
    let res: Response;
    try {
      res = await fetch(opts.url, {
        method: 'POST',
        signal: AbortSignal.timeout(opts.timeoutMs),
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'x-timestamp': timestamp,
          'x-signature': signBody(opts.signingKey, timestamp, body),
          'idempotency-key': idempotencyKey(req),
        },
        body,
      });
    } catch (err) {
      const e = err as Error;
      throw new EscalationUnavailableError(`escalation gateway: ${e.name === 'TimeoutError' ? `timed out after ${opts.timeoutMs} ms` : e.message}`);
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500 || res.status === 429) throw new EscalationUnavailableError(`escalation gateway answered ${res.status}`);
    if (!res.ok) throw new Error(`escalation gateway refused ${req.action} of ${req.escalationId} (${res.status}): ${text.slice(0, 300)}`);
    let reference: string | null = null;
    try {
      const parsed = JSON.parse(text) as { reference?: unknown };
      if (typeof parsed.reference === 'string') reference = parsed.reference.slice(0, 200);
    } catch {
      // An answer without a JSON body is accepted: the status says it was taken.
    }
    return { reference };
  },
});

/** Without ESCALATION_URL: every escalation waits (and shows in `admin deadlines status`), none is marked sent. */
export const unconfiguredEscalationAdapter: TEscalationAdapter = {
  deliver: async () => {
    throw new EscalationUnavailableError('ESCALATION_URL is not set: escalations wait until it is');
  },
};
