import { isPastLimitation } from '../clock/index.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import { QUEUES } from '../queues/index.ts';
import { Machine } from '../workflow/index.ts';

/**
 * A delivery's transition table: one notice on one channel (DESIGN.md "dispatch"). The
 * dispatch stage takes PENDING and SENDING deliveries on, so the reconciler re-drives both
 * when they are stuck; a SENDING delivery it finds not in flight was cut off mid-send and
 * becomes UNKNOWN, never re-sent blindly.
 */
export const DELIVERY_MACHINE = new Machine<DeliveryStatus>({
  entity: 'delivery',
  table: 'delivery',
  statusType: '"DeliveryStatus"',
  transitions: [
    // Planned with the notice (the notice stage), or as the fallback after a channel failed (dispatch; actor says so).
    { from: null, to: 'PENDING', by: { stage: QUEUES.notice }, action: 'delivery.plan' },
    { from: 'PENDING', to: 'SENDING', by: { stage: QUEUES.dispatch }, action: 'delivery.send' },
    // A post delivery waits for the day's print batch.
    { from: 'PENDING', to: 'QUEUED', by: { stage: QUEUES.dispatch }, action: 'delivery.queue-for-print' },
    // Nothing can be sent on it (no address on record, channel not configured).
    { from: 'PENDING', to: 'FAILED', by: { stage: QUEUES.dispatch }, action: 'delivery.fail' },
    { from: 'SENDING', to: 'SENT', by: { stage: QUEUES.dispatch }, action: 'delivery.sent' },
    // The provider refused before taking the message (connection refused, 4xx): nothing was sent; try again later.
    { from: 'SENDING', to: 'PENDING', by: { stage: QUEUES.dispatch }, action: 'delivery.retry' },
    { from: 'SENDING', to: 'BOUNCED', by: { stage: QUEUES.dispatch }, action: 'delivery.bounce' },
    { from: 'SENDING', to: 'FAILED', by: { stage: QUEUES.dispatch }, action: 'delivery.fail' },
    { from: 'SENDING', to: 'UNKNOWN', by: { stage: QUEUES.dispatch }, action: 'delivery.outcome-unknown' },
    // The print batch was made and handed to the mail house.
    { from: 'QUEUED', to: 'SENT', by: { party: 'system' }, action: 'delivery.sent' },
    // The case was resolved or time-barred before the print batch: not printed.
    { from: 'QUEUED', to: 'FAILED', by: { party: 'system' }, action: 'delivery.stand-down' },
    // Receipts and late bounces from the provider.
    { from: 'SENT', to: 'DELIVERED', by: { party: 'provider' }, action: 'delivery.delivered' },
    { from: 'SENT', to: 'BOUNCED', by: { party: 'provider' }, action: 'delivery.bounce' },
    // An operator settles an unknown outcome from the provider's records.
    { from: 'UNKNOWN', to: 'SENT', by: { party: 'operator' }, action: 'delivery.settle-sent' },
    { from: 'UNKNOWN', to: 'FAILED', by: { party: 'operator' }, action: 'delivery.settle-failed' },
  ],
});

/** The case states in which the owner still waits to be served the notice (an earlier channel may have failed). */
const DUE_STATES: ReadonlySet<string> = new Set(['NOTICE_ISSUED', 'NOTIFIED', 'OVERDUE']);

/**
 * Whether a notice may still go to the owner: the case still waits for it, and its capture
 * is within the 1-year limitation (Decree 168 Art 4.1) at `now`. Checked again just before
 * any send, whatever the deadlines task has got round to.
 */
export const noticeStillDue = (c: { status: string; firstCapturedAt: Date }, now: Date): boolean => DUE_STATES.has(c.status) && !isPastLimitation(c.firstCapturedAt, now);

/** Why a notice is no longer sent, as its delivery's audit entry and last error say it. */
export const standDownReason = (c: { status: string; firstCapturedAt: Date }, now: Date): string =>
  isPastLimitation(c.firstCapturedAt, now)
    ? 'the 1-year limitation of the capture has passed (Decree 168 Art 4.1): the notice is no longer sent'
    : `the case is ${c.status}: the notice is no longer sent`;
