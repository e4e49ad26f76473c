import { z } from 'zod';
import type { TDb, TTx } from '../db/index.ts';
import type { DeliveryChannel } from '../generated/prisma/enums.ts';
import type { TMetrics } from '../metrics/index.ts';
import { AppError } from '../shared/app-error.ts';
import { fallBack, loadDeliveries, moveDelivery, returnNotice } from './delivery-records.ts';

/** A provider's delivery receipt: what became of a message it took (our message id, the Idempotency-Key it was sent with). */
export const ZDeliveryReceipt = z
  .object({
    messageId: z.string().min(1).max(200),
    status: z.enum(['DELIVERED', 'BOUNCED']),
    at: z.iso.datetime({ offset: true }).optional().meta({ description: 'when the provider saw it; default: when the receipt arrived' }),
    reason: z.string().max(500).optional().meta({ description: 'why it bounced, as the provider says' }),
  })
  .strict()
  .meta({ id: 'DeliveryReceipt' });

export const ZReceiptAnswer = z
  .object({ deliveryId: z.uuid(), status: z.enum(['DELIVERED', 'BOUNCED']), duplicate: z.boolean() })
  .meta({ id: 'DeliveryReceiptAnswer' });

export type TDeliveryReceipt = z.infer<typeof ZDeliveryReceipt>;

export type TReceiptDeps = { db: TDb; channels: readonly DeliveryChannel[]; metrics?: Pick<TMetrics, 'deliveries'>; now?: () => Date };

/**
 * Records a provider's receipt on the delivery it names: SENT → DELIVERED, or SENT →
 * BOUNCED and the next channel planned. The same receipt again is answered as a duplicate;
 * a receipt for a delivery in another state is refused with that state.
 */
export const applyReceipt = async (deps: TReceiptDeps, channel: DeliveryChannel, r: TDeliveryReceipt): Promise<z.infer<typeof ZReceiptAnswer>> => {
  const found = await deps.db.delivery.findFirst({ where: { messageId: r.messageId, channel }, select: { id: true } });
  if (!found) throw new AppError('NOT_FOUND', `no ${channel} delivery with message id ${r.messageId}`);
  const [d] = await loadDeliveries(deps.db, { ids: [found.id] });
  if (!d) throw new AppError('NOT_FOUND', `no ${channel} delivery with message id ${r.messageId}`);
  if (d.status === r.status) return { deliveryId: d.id, status: r.status, duplicate: true };
  // The provider answered before our record of the send committed: it is to try again shortly, not to drop the receipt.
  if (d.status === 'SENDING') throw new AppError('BUSY', 'the send is still being recorded; send the receipt again', { retryAfter: 5, details: { status: d.status } });
  if (d.status !== 'SENT') throw new AppError('CONFLICT', `the delivery is ${d.status}; a receipt applies to a SENT one`, { details: { status: d.status } });
  const at = r.at ? new Date(r.at) : (deps.now ?? (() => new Date()))();
  const actor = `provider:${channel}`;
  const moved = await deps.db.$transaction(async (tx: TTx) => {
    const ok =
      r.status === 'DELIVERED'
        ? await moveDelivery(tx, d, { from: 'SENT', to: 'DELIVERED', actor, at, set: { delivered_at: ['timestamptz', () => at] } })
        : await moveDelivery(tx, d, { from: 'SENT', to: 'BOUNCED', actor, at, reason: r.reason ?? 'bounced', set: { failed_at: ['timestamptz', () => at], last_error: ['text', () => r.reason ?? 'bounced'] } });
    if (ok && r.status === 'BOUNCED') {
      await fallBack(tx, d, deps.channels, actor, at);
      await returnNotice(tx, d, actor, at);
    }
    return ok;
  });
  if (!moved) throw new AppError('CONFLICT', 'the delivery changed meanwhile; send the receipt again');
  deps.metrics?.deliveries.inc({ channel, outcome: r.status === 'DELIVERED' ? 'delivered' : 'bounced' });
  return { deliveryId: d.id, status: r.status, duplicate: false };
};
