import { createHmac, timingSafeEqual } from 'node:crypto';

export type TSignatureCheck =
  | { ok: true }
  | { ok: false; code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'TIMESTAMP_OUT_OF_WINDOW'; message: string };

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`, as cameras send it. */
export const signBody = (secret: Buffer | string, timestamp: string, body: Buffer | string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;

/**
 * Checks X-Timestamp and X-Signature. The timestamp is inside the signed text and must be
 * within `toleranceSeconds` of now, so a captured request cannot be replayed later; a
 * replay inside the window is a resend of the same eventId and stores nothing new.
 */
export const verifySignature = (args: {
  secret: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  nowSeconds: number;
  toleranceSeconds: number;
}): TSignatureCheck => {
  const { timestamp, signature } = args;
  if (!timestamp || !signature) {
    return { ok: false, code: 'SIGNATURE_MISSING', message: 'X-Timestamp and X-Signature headers are required' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, code: 'SIGNATURE_INVALID', message: 'X-Timestamp must be unix seconds' };
  }
  if (Math.abs(args.nowSeconds - Number(timestamp)) > args.toleranceSeconds) {
    return {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
      message: `X-Timestamp is more than ${args.toleranceSeconds} s away from server time`,
    };
  }
  const expected = Buffer.from(signBody(args.secret, timestamp, args.body));
  const given = Buffer.from(signature.trim().toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 'SIGNATURE_INVALID', message: 'X-Signature does not match the body' };
  }
  return { ok: true };
};
