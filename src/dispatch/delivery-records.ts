import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/index.ts';
import { CASE_MACHINE } from '../cases/index.ts';
import { ownerResponseDue, type WorkCalendar } from '../clock/index.ts';
import type { TDb, TQuery, TTx } from '../db/index.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { noticesSentSql } from '../notices/notice-sent.ts';
import type { DeliveryChannel, DeliveryStatus } from '../generated/prisma/enums.ts';
import { enterSql, moveEntities, moveSql, type TSetColumn } from '../workflow/index.ts';
import { channelPlan, nextChannel, type TChannelAddress, type TOwnerContact } from './channel-plan.ts';
import { DELIVERY_MACHINE } from './delivery-machine.ts';

/** What the dispatch stage, the print batch and the operator read of a delivery. */
export type TDeliveryRow = {
  id: string;
  status: DeliveryStatus;
  channel: DeliveryChannel;
  address: string;
  attempts: number;
  messageId: string;
  sendingAt: Date | null;
  notice: {
    id: string;
    number: string;
    language: string;
    pdfSha256: string | null;
    sentAt: Date | null;
    case: {
      id: string;
      status: string;
      plate: string;
      firstCapturedAt: Date;
      owner: (TOwnerContact & { name: string }) | null;
      detectingAgency: { name: string } | null;
    };
  };
};

export const loadDeliveries = (db: TDb | TTx, where: { ids: readonly string[] } | { status: DeliveryStatus; channel?: DeliveryChannel }): Promise<TDeliveryRow[]> =>
  db.delivery.findMany({
    where: 'ids' in where ? { id: { in: [...where.ids] } } : { status: where.status, channel: where.channel },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      status: true,
      channel: true,
      address: true,
      attempts: true,
      messageId: true,
      sendingAt: true,
      notice: {
        select: {
          id: true,
          number: true,
          language: true,
          pdfSha256: true,
          sentAt: true,
          case: {
            select: {
              id: true,
              status: true,
              plate: true,
              firstCapturedAt: true,
              owner: { select: { ownerType: true, name: true, idNumber: true, email: true, phone: true, address: true } },
              detectingAgency: { select: { name: true } },
            },
          },
        },
      },
    },
  });

/** A delivery's message id: one per delivery, the same on every attempt (see email-message.ts for the e-mail's form). */
export const deliveryMessageId = (deliveryId: string): string => `${deliveryId}@notice`;

export type TMoveDelivery = {
  from: DeliveryStatus;
  to: DeliveryStatus;
  actor?: string;
  reason?: string | null;
  data?: Record<string, string | number | null>;
  set?: Record<string, TSetColumn<TDeliveryRow>>;
  enqueue?: boolean;
  at?: Date;
};

/** One audited compare-and-set of a delivery; true when it moved. */
export const moveDelivery = async (tx: TTx, d: TDeliveryRow, m: TMoveDelivery): Promise<boolean> => {
  const moved = await moveEntities(tx, DELIVERY_MACHINE, {
    path: [m.from, m.to],
    rows: [d],
    id: (x) => x.id,
    why: () => ({ reason: m.reason ?? null, data: { noticeId: d.notice.id, number: d.notice.number, channel: d.channel, attempts: d.attempts, ...m.data } }),
    set: m.set,
    actor: m.actor,
    at: m.at,
    enqueue: m.enqueue,
  });
  return moved.has(d.id);
};

/**
 * The notice was sent on a channel: the first such record starts the owner's 20-day
 * response period (notice.sentAt, responseDueAt) and moves the case NOTICE_ISSUED →
 * NOTIFIED. Later channels change neither. Runs inside the transaction that marks the
 * delivery SENT.
 */
export const recordNoticeSent = async (tx: TTx, d: TDeliveryRow, at: Date, calendar: WorkCalendar, actor: string): Promise<boolean> => {
  const due = ownerResponseDue(at, calendar);
  const first = await tx.$queryRaw<{ id: string }[]>(noticesSentSql([d.notice.id], at, due.at));
  if (first.length === 0) return false;
  await moveEntities(tx, CASE_MACHINE, {
    path: ['NOTICE_ISSUED', 'NOTIFIED'],
    rows: [d.notice.case],
    id: (c) => c.id,
    actor,
    at,
    why: () => ({ data: { noticeId: d.notice.id, number: d.notice.number, channel: d.channel, deliveryId: d.id, responseDueAt: due.at.toISOString(), responseDueDay: due.lastDay } }),
  });
  return true;
};

/**
 * A bounce reported after the send: if no other channel has served the notice, it was not
 * served after all. The 20-day response period, which ran from that send, is cleared and
 * the case goes back to NOTICE_ISSUED (audited), so the next channel's send starts the
 * period afresh and nothing escalates on a notice the owner never had.
 */
export const returnNotice = async (tx: TTx, d: TDeliveryRow, actor: string, at: Date): Promise<boolean> => {
  const cleared = await tx.$queryRaw<{ id: string }[]>`
    UPDATE notice n SET sent_at = NULL, response_due_at = NULL, updated_at = now()
    WHERE n.id = ${d.notice.id}::uuid AND n.sent_at IS NOT NULL
      AND EXISTS (SELECT 1 FROM "case" c WHERE c.id = n.case_id AND c.status = 'NOTIFIED')
      AND NOT EXISTS (SELECT 1 FROM delivery o WHERE o.notice_id = n.id AND o.id <> ${d.id}::uuid AND o.status IN ('SENT', 'DELIVERED'))
    RETURNING n.id::text`;
  if (cleared.length === 0) return false;
  await moveEntities(tx, CASE_MACHINE, {
    path: ['NOTIFIED', 'NOTICE_ISSUED'],
    rows: [d.notice.case],
    id: (c) => c.id,
    actor,
    at,
    why: () => ({ reason: `the ${d.channel} delivery bounced after it was sent: the notice was not served`, data: { noticeId: d.notice.id, number: d.notice.number, deliveryId: d.id } }),
  });
  return true;
};

export type TFallback = { kind: 'next'; channel: DeliveryChannel; deliveryId: string } | { kind: 'exists'; channel: DeliveryChannel } | { kind: 'none' };

/**
 * After a channel could not deliver (bounced, failed, outcome unknown): the next channel of
 * the owner's plan gets its delivery (PENDING, on to the dispatch stage), in the same
 * transaction. With none left the case's audit trail says the notice is undeliverable, for
 * an officer to act on (the notice page and the officer's case view read it there).
 */
export const fallBack = async (tx: TTx, d: TDeliveryRow, channels: readonly DeliveryChannel[], actor: string, at: Date): Promise<TFallback> => {
  const owner = d.notice.case.owner;
  const next = owner ? nextChannel(channelPlan(owner, channels), d.channel, channels) : null;
  if (!next) {
    // The case's row first, as every writer of its chain does: appending beside a move of the case would fork its audit chain.
    await tx.$queryRaw`SELECT 1 FROM "case" WHERE id = ${d.notice.case.id}::uuid FOR UPDATE`;
    await appendAudit(tx, {
      actor,
      entityType: 'case',
      entityId: d.notice.case.id,
      action: 'notice.undeliverable',
      reason: `no delivery channel left after ${d.channel}`,
      data: { noticeId: d.notice.id, number: d.notice.number, lastChannel: d.channel, lastDeliveryId: d.id },
    });
    return { kind: 'none' };
  }
  const deliveryId = await planDelivery(tx, { id: d.notice.id, number: d.notice.number }, next, {
    actor,
    at,
    why: { reason: `fallback after ${d.channel}`, data: { after: d.channel, afterDeliveryId: d.id } },
  });
  return deliveryId ? { kind: 'next', channel: next.channel, deliveryId } : { kind: 'exists', channel: next.channel };
};

/**
 * Plans a notice's delivery on a channel: the row in PENDING with its first audit entry and
 * its outbox row to the dispatch stage, in one statement. At most one per notice and channel:
 * planned twice, the second changes nothing (answers null).
 */
export const planDelivery = async (
  tx: TTx,
  notice: { id: string; number: string },
  to: TChannelAddress,
  o: { actor?: string; at?: Date; why?: { reason?: string; data?: Record<string, unknown> } } = {},
): Promise<string | null> => {
  const row = { id: randomUUID(), ...to };
  const created = await tx.$queryRaw<{ id: string }[]>`
    WITH d AS (
      INSERT INTO delivery (id, notice_id, channel, address, message_id)
      VALUES (${row.id}::uuid, ${notice.id}::uuid, ${to.channel}::"DeliveryChannel", ${to.address}, ${deliveryMessageId(row.id)})
      ON CONFLICT (notice_id, channel) DO NOTHING
      RETURNING id, status
    )${enterSql(DELIVERY_MACHINE, {
      cte: 'd',
      rows: [row],
      id: (x) => x.id,
      state: () => 'PENDING',
      ...(o.actor ? { actor: () => o.actor! } : {}),
      ...(o.at ? { at: o.at } : {}),
      why: () => ({ reason: o.why?.reason ?? null, data: { noticeId: notice.id, number: notice.number, channel: to.channel, ...o.why?.data } }),
    })}
    SELECT id::text FROM d`;
  return created.length ? row.id : null;
};

export type TSentItem = { d: TDeliveryRow; providerMessageId: string | null };

/**
 * The dispatch stage's record of sends that went, set-based for a wave of them in one
 * transaction (`q` of inTransaction): SENDING → SENT, the first-sent notices' clock and
 * their cases NOTICE_ISSUED → NOTIFIED, as recordNoticeSent does one at a time. Returns
 * the deliveries that moved (one not SENDING any more was judged lost meanwhile).
 */
export const recordSentWave = async (q: TQuery, items: readonly TSentItem[], at: Date, calendar: WorkCalendar, actor: string): Promise<Set<string>> => {
  const moved = await q<{ id: string }>(
    moveSql(DELIVERY_MACHINE, {
      path: ['SENDING', 'SENT'],
      rows: items,
      id: (x) => x.d.id,
      actor,
      at,
      why: (x) => ({ data: { noticeId: x.d.notice.id, number: x.d.notice.number, channel: x.d.channel, attempts: x.d.attempts, providerMessageId: x.providerMessageId } }),
      set: { provider_message_id: ['text', (x) => x.providerMessageId], sent_at: ['timestamptz', () => at] },
    }),
  );
  const sent = new Set(moved.map((r) => r.id));
  const first = items.filter((x) => sent.has(x.d.id));
  if (first.length === 0) return sent;
  const due = ownerResponseDue(at, calendar);
  const started = await q<{ id: string }>(noticesSentSql(first.map((x) => x.d.notice.id), at, due.at));
  const startedIds = new Set(started.map((r) => r.id));
  const cases = first.filter((x) => startedIds.has(x.d.notice.id));
  if (cases.length > 0) {
    // A party's move: the case rows are locked first, so a writer appending to a case's audit chain without moving it cannot fork the chain.
    await q(Prisma.sql`SELECT 1 FROM "case" WHERE id = ANY(${[...new Set(cases.map((x) => x.d.notice.case.id))].sort()}::uuid[]) ORDER BY id FOR UPDATE`);
    await q(
      moveSql(CASE_MACHINE, {
        path: ['NOTICE_ISSUED', 'NOTIFIED'],
        rows: cases,
        id: (x) => x.d.notice.case.id,
        actor,
        at,
        why: (x) => ({ data: { noticeId: x.d.notice.id, number: x.d.notice.number, channel: x.d.channel, deliveryId: x.d.id, responseDueAt: due.at.toISOString(), responseDueDay: due.lastDay } }),
      }),
    );
  }
  return sent;
};
