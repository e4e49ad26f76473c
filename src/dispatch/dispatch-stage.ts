import { buffer } from 'node:stream/consumers';
import type { CalendarCache } from '../clock/index.ts';
import type { TDb, TTx } from '../db/index.ts';
import type { DeliveryChannel } from '../generated/prisma/enums.ts';
import type { TMetrics } from '../metrics/index.ts';
import { noticePath } from '../notices/notice-facts.ts';
import type { TItemOutcome, TStage } from '../queues/index.ts';
import type { TLogger } from '../shared/logger.ts';
import type { ContentStore } from '../storage/index.ts';
import type { TChannelSender, TOutgoing, TSendResult } from './channel.ts';
import { fallBack, loadDeliveries, moveDelivery, recordNoticeSent, type TDeliveryRow } from './delivery-records.ts';

export type TDispatchDeps = {
  db: TDb;
  /** Where the notice PDFs are, by sha256. */
  notices: ContentStore;
  calendar: CalendarCache;
  /** The senders by channel; a channel without one fails over to the next. */
  senders: Partial<Record<DeliveryChannel, TChannelSender>>;
  /** Channels in fallback order (DELIVERY_CHANNELS). */
  channels: readonly DeliveryChannel[];
  publicBaseUrl: string;
  /** A send still under way after this long has lost its worker (DISPATCH_SEND_TIMEOUT_SECONDS). */
  sendTimeoutMs: number;
  /** Tries whose provider could not be reached before the delivery fails for good. */
  maxAttempts: number;
  /** Deliveries of one job sent at once. */
  concurrency: number;
  logger: TLogger;
  metrics?: Pick<TMetrics, 'deliveries'>;
  now?: () => Date;
};

const ACTOR = 'system:dispatch';

/** The provider could not be reached and nothing was handed over: the delivery is PENDING again and waits (stage runner `waitsOn`). */
export class DeliveryWaits extends Error {
  constructor(
    readonly deliveryId: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryWaits';
  }
}

export type TDispatchOutcome = { kind: 'sent' | 'queued' | 'bounced' | 'failed' | 'unknown' | 'in-flight' | 'already-taken' | 'already-done' | 'missing' | 'lost-race' };


/** Runs `fn` over `items`, at most `limit` at a time, results in order. */
const mapLimit = async <T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
};

/**
 * The dispatch stage: sends each delivery on its channel at most once.
 *
 * The claim PENDING → SENDING (attempts + 1, sendingAt) is a compare-and-set committed
 * before anything is sent: of many jobs, retries or workers holding one delivery, only the
 * one whose claim moved the row sends, and what it learned is recorded in a second
 * transaction (SENT, or back to PENDING when nothing was handed over, BOUNCED, FAILED,
 * UNKNOWN). A delivery found SENDING longer than the send timeout lost its worker between
 * the two: the message may have gone, so it becomes UNKNOWN and the next channel takes
 * over, never a blind second send; an operator settles it (admin `deliveries settle`).
 */
export const dispatchStage = (deps: TDispatchDeps): TStage => {
  const now = deps.now ?? (() => new Date());
  const count = (channel: DeliveryChannel, outcome: string) => deps.metrics?.deliveries.inc({ channel, outcome });

  /** A terminal move off SENDING plus the next channel's delivery, in one transaction. */
  const giveUp = async (d: TDeliveryRow, to: 'BOUNCED' | 'FAILED' | 'UNKNOWN', from: 'SENDING' | 'PENDING', error: string): Promise<TDispatchOutcome> => {
    const at = now();
    const result = await deps.db.$transaction(async (tx: TTx) => {
      const moved = await moveDelivery(tx, d, { from, to, reason: error.slice(0, 500), at, set: { last_error: ['text', () => error], failed_at: ['timestamptz', () => at] } });
      if (!moved) return null;
      return fallBack(tx, d, deps.channels, ACTOR, at);
    });
    if (!result) return { kind: 'lost-race' };
    const outcome = to === 'BOUNCED' ? 'bounced' : to === 'FAILED' ? 'failed' : 'unknown';
    count(d.channel, outcome);
    const log = { deliveryId: d.id, noticeId: d.notice.id, number: d.notice.number, channel: d.channel, status: to, error, fallback: result };
    if (result.kind === 'none') deps.logger.error(log, 'notice undeliverable: no delivery channel left');
    else if (to === 'UNKNOWN') deps.logger.error(log, 'delivery outcome unknown (worker lost mid-send); next channel planned, settle it with `admin deliveries settle`');
    else deps.logger.warn(log, 'delivery failed; next channel planned');
    return { kind: outcome };
  };

  const recordResult = async (d: TDeliveryRow, claimed: TDeliveryRow, r: TSendResult): Promise<TItemOutcome> => {
    switch (r.kind) {
      case 'sent': {
        const at = now();
        const calendar = await deps.calendar.get();
        const moved = await deps.db.$transaction(async (tx: TTx) => {
          if (!(await moveDelivery(tx, claimed, { from: 'SENDING', to: 'SENT', at, data: { providerMessageId: r.providerMessageId }, set: { provider_message_id: ['text', () => r.providerMessageId], sent_at: ['timestamptz', () => at] } })))
            return false;
          await recordNoticeSent(tx, claimed, at, calendar, ACTOR);
          return true;
        });
        if (!moved) {
          // Someone judged the send lost (the send outlived DISPATCH_SEND_TIMEOUT_SECONDS): it did go; an operator settles it.
          deps.logger.error({ deliveryId: d.id, channel: d.channel, providerMessageId: r.providerMessageId }, 'sent, but the delivery was no longer SENDING: settle it as sent');
          return { kind: 'lost-race' };
        }
        count(d.channel, 'sent');
        return { kind: 'sent' };
      }
      case 'not-sent': {
        if (claimed.attempts >= deps.maxAttempts) return giveUp(claimed, 'FAILED', 'SENDING', `gave up after ${claimed.attempts} attempts: ${r.error}`);
        const moved = await deps.db.$transaction((tx: TTx) =>
          moveDelivery(tx, claimed, { from: 'SENDING', to: 'PENDING', reason: r.error.slice(0, 500), enqueue: false, set: { last_error: ['text', () => r.error] } }),
        );
        if (!moved) return { kind: 'lost-race' };
        count(d.channel, 'retry');
        return new DeliveryWaits(d.id, `${d.channel} delivery ${d.id} not sent: ${r.error}`);
      }
      case 'rejected':
        return giveUp(claimed, 'BOUNCED', 'SENDING', r.error);
      case 'failed':
        return giveUp(claimed, 'FAILED', 'SENDING', r.error);
      case 'unknown':
        return giveUp(claimed, 'UNKNOWN', 'SENDING', r.error);
    }
  };

  const one = async (d: TDeliveryRow | undefined): Promise<TItemOutcome> => {
    if (!d) return { kind: 'missing' };
    if (d.status === 'SENDING') {
      // Under way in another worker, or that worker died after the claim: only time tells them apart.
      if (d.sendingAt && now().getTime() - d.sendingAt.getTime() < deps.sendTimeoutMs) return { kind: 'in-flight' };
      return giveUp(d, 'UNKNOWN', 'SENDING', `still SENDING since ${d.sendingAt?.toISOString() ?? '?'}: the worker was lost mid-send; not sent again`);
    }
    if (d.status !== 'PENDING') return { kind: 'already-done' };
    if (d.channel === 'POST') {
      // The daily print batch takes it from here (post-batch.ts).
      const moved = await deps.db.$transaction((tx: TTx) => moveDelivery(tx, d, { from: 'PENDING', to: 'QUEUED' }));
      if (moved) count('POST', 'queued');
      return { kind: moved ? 'queued' : 'already-taken' };
    }
    const sender = deps.senders[d.channel];
    if (!sender) return giveUp(d, 'FAILED', 'PENDING', `no ${d.channel} provider is configured`);
    if (!d.notice.pdfSha256) throw new Error(`notice ${d.notice.number} has no PDF yet`);
    // Everything that can fail before the send is done before the claim: a claimed delivery is only left by its send.
    const outgoing: TOutgoing = {
      deliveryId: d.id,
      messageId: d.messageId,
      address: d.address,
      notice: { number: d.notice.number, language: d.notice.language, pdf: await buffer(deps.notices.read(d.notice.pdfSha256)), url: `${deps.publicBaseUrl.replace(/\/$/, '')}${noticePath(d.notice.number)}` },
      owner: { name: d.notice.case.owner?.name ?? '' },
      plate: d.notice.case.plate,
      agency: d.notice.case.detectingAgency?.name ?? '',
    };
    const sendingAt = now();
    const claimed: TDeliveryRow = { ...d, status: 'SENDING', attempts: d.attempts + 1, sendingAt };
    const won = await deps.db.$transaction((tx: TTx) =>
      moveDelivery(tx, d, {
        from: 'PENDING',
        to: 'SENDING',
        at: sendingAt,
        enqueue: false,
        data: { attempt: d.attempts + 1 },
        set: { attempts: ['int', () => d.attempts + 1, 't.attempts + 1'], sending_at: ['timestamptz', () => sendingAt] },
      }),
    );
    if (!won) return { kind: 'already-taken' };
    let result: TSendResult;
    try {
      result = await sender.send(outgoing);
    } catch (err) {
      // A sender must not throw; if one does, the message may have left.
      result = { kind: 'unknown', error: err instanceof Error ? err.message : String(err) };
    }
    return recordResult(d, claimed, result);
  };

  return {
    handle: async (ids) => {
      const rows = new Map((await loadDeliveries(deps.db, { ids })).map((d) => [d.id, d]));
      return mapLimit(ids, deps.concurrency, (id) => one(rows.get(id)).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
    },
    waitsOn: (err) => err instanceof DeliveryWaits,
  };
};
