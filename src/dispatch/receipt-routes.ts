import { Router } from 'express';
import getRawBody from 'raw-body';
import { verifySignature } from '../events/index.ts';
import { AppError } from '../shared/app-error.ts';
import { parseInput } from '../shared/parse-input.ts';
import { applyReceipt, ZDeliveryReceipt, type TReceiptDeps } from './receipts.ts';

export const RECEIPTS_PATH = '/v1/deliveries/receipts';

export type TReceiptRouteDeps = TReceiptDeps & {
  /** Each provider's shared secret (SMS_KEY, EID_KEY); a provider without one cannot send receipts. */
  keys: Partial<Record<'SMS' | 'EID', string>>;
  toleranceSeconds: number;
};

const RECEIPT_LIMIT_BYTES = 64 * 1024;

/**
 * `POST /v1/deliveries/receipts`: a provider (X-Channel: SMS or EID) reports what became
 * of a message, signed as our requests to it are (X-Timestamp, X-Signature over timestamp
 * + "." + raw body, its shared secret). The signature is checked before the body is parsed.
 */
export const receiptRoutes = (deps: TReceiptRouteDeps): Router => {
  const router = Router();
  router.post(RECEIPTS_PATH, async (req, res) => {
    const channel = (req.get('x-channel') ?? '').toUpperCase();
    if (channel !== 'SMS' && channel !== 'EID') throw new AppError('SIGNATURE_MISSING', 'X-Channel must be SMS or EID');
    const key = deps.keys[channel];
    if (!key) throw new AppError('SIGNATURE_INVALID', `no ${channel} provider is configured`);
    if (!(req.get('content-type') ?? '').toLowerCase().startsWith('application/json')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
    let body: Buffer;
    try {
      body = await getRawBody(req, { limit: RECEIPT_LIMIT_BYTES });
    } catch (err) {
      if ((err as { type?: string }).type === 'entity.too.large') throw new AppError('PAYLOAD_TOO_LARGE', `a receipt is at most ${RECEIPT_LIMIT_BYTES} bytes`);
      throw err;
    }
    const check = verifySignature({
      secret: Buffer.from(key),
      timestamp: req.get('x-timestamp'),
      signature: req.get('x-signature'),
      body,
      nowSeconds: Math.floor(Date.now() / 1000),
      toleranceSeconds: deps.toleranceSeconds,
    });
    if (!check.ok) throw new AppError(check.code, check.message);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new AppError('MALFORMED_JSON', 'the body is not JSON');
    }
    res.json(await applyReceipt(deps, channel, parseInput(ZDeliveryReceipt, json)));
  });
  return router;
};
