import type { CalendarCache } from '../clock/index.ts';
import type { TDb, TTx } from '../db/index.ts';
import type { TMetrics } from '../metrics/index.ts';
import { AppError } from '../shared/app-error.ts';
import { loadDeliveries, moveDelivery, recordNoticeSent } from './delivery-records.ts';

export type TSettleInput = { deliveryId: string; outcome: 'sent' | 'failed'; actor: string; reason: string };

/**
 * An operator settles a delivery whose outcome was unknown (the worker died mid-send), from
 * the provider's own records (the mail server's log names the Message-ID). Sent: the
 * notice counts as sent when the send began, if no channel had confirmed it before (the
 * owner's 20-day period and the case's NOTIFIED follow). Failed: nothing more; the next
 * channel was planned when the outcome became unknown.
 */
export const settleDelivery = async (deps: { db: TDb; calendar: CalendarCache; metrics?: Pick<TMetrics, 'deliveries'> }, s: TSettleInput) => {
  const calendar = await deps.calendar.get();
  const [d] = await loadDeliveries(deps.db, { ids: [s.deliveryId] });
  if (!d) throw new AppError('NOT_FOUND', `no delivery ${s.deliveryId}`);
  if (d.status !== 'UNKNOWN') throw new AppError('CONFLICT', `delivery ${d.id} is ${d.status}; only an UNKNOWN one is settled`, { details: { status: d.status } });
  const at = new Date();
  const sentAt = d.sendingAt ?? at;
  const started = await deps.db.$transaction(async (tx: TTx) => {
    const moved =
      s.outcome === 'sent'
        ? await moveDelivery(tx, d, { from: 'UNKNOWN', to: 'SENT', actor: s.actor, reason: s.reason, at, data: { sentAt: sentAt.toISOString() }, set: { sent_at: ['timestamptz', () => sentAt] } })
        : await moveDelivery(tx, d, { from: 'UNKNOWN', to: 'FAILED', actor: s.actor, reason: s.reason, at, set: { failed_at: ['timestamptz', () => at] } });
    if (!moved) throw new AppError('CONFLICT', `delivery ${d.id} was settled meanwhile`);
    return s.outcome === 'sent' ? recordNoticeSent(tx, d, sentAt, calendar, s.actor) : false;
  });
  deps.metrics?.deliveries.inc({ channel: d.channel, outcome: `settled-${s.outcome}` });
  return { delivery: d, noticeSentNow: started };
};
