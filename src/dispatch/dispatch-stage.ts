import { buffer } from 'node:stream/consumers';
import type { CalendarCache } from '../clock/index.ts';
import { inTransaction, queryRows, type TDb, type TTx } from '../db/index.ts';
import type { DeliveryChannel } from '../generated/prisma/enums.ts';
import type { TMetrics } from '../metrics/index.ts';
import { noticePath } from '../notices/notice-facts.ts';
import type { TItemOutcome, TStage } from '../queues/index.ts';
import type { TLogger } from '../shared/logger.ts';
import type { ContentStore } from '../storage/index.ts';
import { moveSql } from '../workflow/index.ts';
import type { TChannelSender, TOutgoing, TSendResult } from './channel.ts';
import { fallBack, loadDeliveries, moveDelivery, recordSentWave, type TDeliveryRow, type TSentItem } from './delivery-records.ts';
import { displayPlate } from '../plates/index.ts';
import { DELIVERY_MACHINE, noticeStillDue, standDownReason } from './delivery-machine.ts';

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

export type TDispatchOutcome = { kind: 'sent' | 'queued' | 'bounced' | 'failed' | 'unknown' | 'in-flight' | 'already-taken' | 'already-done' | 'missing' | 'lost-race' | 'stood-down' };

/** Runs `write` up to three times (0.2 s, then 1 s apart) before its error stands. */
const persist = async <T>(write: () => Promise<T>): Promise<T> => {
  for (const pause of [200, 1_000]) {
    try {
      return await write();
    } catch {
      await new Promise((r) => setTimeout(r, pause));
    }
  }
  return write();
};

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
 * The hot path (claim, record) is set-based per wave of DISPATCH_CONCURRENCY deliveries,
 * on the pg pool without Prisma's per-statement cost (db queryRows / inTransaction).
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

  /** What the send of one claimed delivery came to, where it is not part of a wave's set-based record. */
  const settleAlone = async (claimed: TDeliveryRow, r: Exclude<TSendResult, { kind: 'sent' }>): Promise<TItemOutcome> => {
    switch (r.kind) {
      case 'not-sent':
        return giveUp(claimed, 'FAILED', 'SENDING', `gave up after ${claimed.attempts} attempts: ${r.error}`);
      case 'rejected':
        return giveUp(claimed, 'BOUNCED', 'SENDING', r.error);
      case 'failed':
        return giveUp(claimed, 'FAILED', 'SENDING', r.error);
      case 'unknown':
        return giveUp(claimed, 'UNKNOWN', 'SENDING', r.error);
    }
  };

  /**
   * One wave of deliveries: claimed together in one compare-and-set statement (committed
   * before any send), sent concurrently, and what went recorded together in one
   * transaction; those that could not reach their provider go back to PENDING together.
   * A wave is small (DISPATCH_CONCURRENCY), which bounds what a crash between the claim
   * and the record leaves UNKNOWN.
   */
  const wave = async (items: readonly { d: TDeliveryRow; outgoing: TOutgoing }[]): Promise<Map<string, TItemOutcome>> => {
    const out = new Map<string, TItemOutcome>();
    const sendingAt = now();
    const won = new Set(
      (
        await queryRows<{ id: string }>(
          deps.db,
          moveSql(DELIVERY_MACHINE, {
            path: ['PENDING', 'SENDING'],
            rows: items,
            id: (x) => x.d.id,
            at: sendingAt,
            enqueue: false,
            why: (x) => ({ data: { noticeId: x.d.notice.id, number: x.d.notice.number, channel: x.d.channel, attempt: x.d.attempts + 1 } }),
            set: { attempts: ['int', (x) => x.d.attempts + 1, 't.attempts + 1'], sending_at: ['timestamptz', () => sendingAt] },
          }),
        )
      ).map((r) => r.id),
    );
    const claimed = items.filter((x) => won.has(x.d.id)).map((x) => ({ ...x, d: { ...x.d, status: 'SENDING' as const, attempts: x.d.attempts + 1, sendingAt } }));
    for (const x of items) if (!won.has(x.d.id)) out.set(x.d.id, { kind: 'already-taken' });
    const results = await Promise.all(
      claimed.map(async (x): Promise<TSendResult> => {
        try {
          return await deps.senders[x.d.channel]!.send(x.outgoing);
        } catch (err) {
          // A sender must not throw; if one does, the message may have left.
          return { kind: 'unknown', error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    const sent: TSentItem[] = [];
    const retry: { d: TDeliveryRow; error: string }[] = [];
    const alone: Promise<void>[] = [];
    claimed.forEach((x, i) => {
      const r = results[i]!;
      if (r.kind === 'sent') sent.push({ d: x.d, providerMessageId: r.providerMessageId });
      else if (r.kind === 'not-sent' && x.d.attempts < deps.maxAttempts) retry.push({ d: x.d, error: r.error });
      else alone.push(settleAlone(x.d, r).then((o) => void out.set(x.d.id, o), (err: unknown) => void out.set(x.d.id, err instanceof Error ? err : new Error(String(err)))));
    });
    if (sent.length > 0) {
      const at = now();
      const calendar = await deps.calendar.get();
      // The messages went: a database blip must not turn them into UNKNOWNs, so the record is tried again before giving up.
      const recorded = await persist(() => inTransaction(deps.db, (q) => recordSentWave(q, sent, at, calendar, ACTOR)));
      for (const x of sent) {
        if (recorded.has(x.d.id)) {
          count(x.d.channel, 'sent');
          out.set(x.d.id, { kind: 'sent' });
        } else {
          // Someone judged the send lost (it outlived DISPATCH_SEND_TIMEOUT_SECONDS): it did go; an operator settles it.
          deps.logger.error({ deliveryId: x.d.id, channel: x.d.channel, providerMessageId: x.providerMessageId }, 'sent, but the delivery was no longer SENDING: settle it as sent');
          out.set(x.d.id, { kind: 'lost-race' });
        }
      }
    }
    if (retry.length > 0) {
      const back = new Set(
        (
          await queryRows<{ id: string }>(
            deps.db,
            moveSql(DELIVERY_MACHINE, {
              path: ['SENDING', 'PENDING'],
              rows: retry,
              id: (x) => x.d.id,
              enqueue: false,
              why: (x) => ({ reason: x.error.slice(0, 500), data: { noticeId: x.d.notice.id, number: x.d.notice.number, channel: x.d.channel, attempts: x.d.attempts } }),
              set: { last_error: ['text', (x) => x.error] },
            }),
          )
        ).map((r) => r.id),
      );
      for (const x of retry) {
        if (!back.has(x.d.id)) {
          out.set(x.d.id, { kind: 'lost-race' });
          continue;
        }
        count(x.d.channel, 'retry');
        out.set(x.d.id, new DeliveryWaits(x.d.id, `${x.d.channel} delivery ${x.d.id} not sent: ${x.error}`));
      }
    }
    await Promise.all(alone);
    return out;
  };

  /**
   * A delivery whose case no longer needs its notice (the owner responded before it went,
   * or the case is time-barred): not sent, and no other channel tried. Audited as a failure
   * with the reason, so the proof of service says why nothing went.
   */
  const standDown = async (d: TDeliveryRow): Promise<TItemOutcome> => {
    const at = now();
    const reason = standDownReason(d.notice.case, at);
    const moved = await deps.db.$transaction((tx: TTx) =>
      moveDelivery(tx, d, { from: 'PENDING', to: 'FAILED', reason, at, set: { last_error: ['text', () => reason], failed_at: ['timestamptz', () => at] } }),
    );
    if (moved) count(d.channel, 'stood-down');
    return { kind: moved ? 'stood-down' : 'lost-race' };
  };

  /** A delivery that is not sent in a wave: stuck or in flight, already done, case resolved, post, no provider. */
  const notSendable = async (d: TDeliveryRow): Promise<TItemOutcome | null> => {
    if (d.status === 'SENDING') {
      // Under way in another worker, or that worker died after the claim: only time tells them apart.
      if (d.sendingAt && now().getTime() - d.sendingAt.getTime() < deps.sendTimeoutMs) return { kind: 'in-flight' };
      return giveUp(d, 'UNKNOWN', 'SENDING', `still SENDING since ${d.sendingAt?.toISOString() ?? '?'}: the worker was lost mid-send; not sent again`);
    }
    if (d.status !== 'PENDING') return { kind: 'already-done' };
    if (!noticeStillDue(d.notice.case, now())) return standDown(d);
    if (d.channel === 'POST') {
      // The daily print batch takes it from here (post-batch.ts).
      const moved = await deps.db.$transaction((tx: TTx) => moveDelivery(tx, d, { from: 'PENDING', to: 'QUEUED' }));
      if (moved) count('POST', 'queued');
      return { kind: moved ? 'queued' : 'already-taken' };
    }
    if (!deps.senders[d.channel]) return giveUp(d, 'FAILED', 'PENDING', `no ${d.channel} provider is configured`);
    return null;
  };

  /** What a channel sends; everything that can fail before the send is done here, before the claim. */
  const outgoingOf = async (d: TDeliveryRow): Promise<TOutgoing> => {
    if (!d.notice.pdfSha256) throw new Error(`notice ${d.notice.number} has no PDF yet`);
    return {
      deliveryId: d.id,
      messageId: d.messageId,
      address: d.address,
      notice: { number: d.notice.number, language: d.notice.language, pdf: await buffer(deps.notices.read(d.notice.pdfSha256)), url: `${deps.publicBaseUrl.replace(/\/$/, '')}${noticePath(d.notice.number)}` },
      owner: { name: d.notice.case.owner?.name ?? '' },
      plate: displayPlate(d.notice.case.plate),
      agency: d.notice.case.detectingAgency?.name ?? '',
    };
  };

  const handle = async (ids: string[]): Promise<TItemOutcome[]> => {
    const rows = new Map((await loadDeliveries(deps.db, { ids })).map((d) => [d.id, d]));
    const byId = new Map<string, TItemOutcome>();
    const toSend: TDeliveryRow[] = [];
    const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
    // Each delivery once, however often the job names it; the repeats are answered below.
    await mapLimit([...new Set(ids)], deps.concurrency, async (id) => {
      const d = rows.get(id);
      if (!d) return void byId.set(id, { kind: 'missing' });
      try {
        const done = await notSendable(d);
        if (done) return void byId.set(id, done);
        toSend.push(d);
      } catch (err) {
        byId.set(id, asError(err));
      }
    });
    // The PDFs are read wave by wave: a job's worth of them is not held at once.
    for (let i = 0; i < toSend.length; i += deps.concurrency) {
      const items: { d: TDeliveryRow; outgoing: TOutgoing }[] = [];
      await Promise.all(
        toSend.slice(i, i + deps.concurrency).map((d) =>
          outgoingOf(d).then(
            (outgoing) => void items.push({ d, outgoing }),
            (err: unknown) => void byId.set(d.id, asError(err)),
          ),
        ),
      );
      try {
        for (const [id, o] of await wave(items)) byId.set(id, o);
      } catch (err) {
        for (const x of items) if (!byId.has(x.d.id)) byId.set(x.d.id, asError(err));
      }
    }
    const seen = new Set<string>();
    return ids.map((id) => {
      if (seen.has(id)) return { kind: 'already-taken' };
      seen.add(id);
      return byId.get(id) ?? new Error(`delivery ${id}: no outcome`);
    });
  };

  return { handle, waitsOn: (err) => err instanceof DeliveryWaits };
};
