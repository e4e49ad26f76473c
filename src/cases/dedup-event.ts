import { randomUUID } from 'node:crypto';
import { unnestSql, type TDb, type TTx } from '../db/index.ts';
import { lockEventsForDedup, settleEvents, type TEventForDedup, type TEventSettlement } from '../events/index.ts';
import { parsePlate } from '../plates/index.ts';
import { appendAuditSql, draftAudit } from '../audit/index.ts';
import { QUEUES } from '../queues/index.ts';
import { enterSql } from '../workflow/index.ts';
import { CASE_MACHINE } from './case-machine.ts';
import { FLAGS } from './flags.ts';
import { planMerges, type TCapture, type TCaseChange, type TMergePlan, type TOpenCase } from './plan-merges.ts';

export type TDedupOutcome =
  | { kind: 'opened'; caseId: string }
  | { kind: 'merged'; caseId: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'already-done' }
  | { kind: 'missing' };

export type TDedupOptions = { windowSeconds: number; confidenceThreshold: number };

type TPlated = TEventForDedup & { plate: string; plate_format: string; act: string };

/** The flags a case opens with: doubtful reads of its plate, as characters and as a format. */
const openingFlags = (ev: TPlated, confident: boolean): string[] => [
  ...(confident ? [] : [FLAGS.LOW_CONFIDENCE_READ]),
  ...(ev.plate_uncertain ? [FLAGS.PLATE_FORMAT_UNCERTAIN] : []),
];

/** The event's plate as ingest parsed it; events stored before that are parsed here. */
const plated = (ev: TEventForDedup): TPlated | { reason: string } => {
  if (ev.plate && ev.plate_format) return { ...ev, plate: ev.plate, plate_format: ev.plate_format, act: `${ev.plate}|${ev.violation}|${ev.site_id}` };
  const parsed = parsePlate(ev.plate_raw);
  if (!parsed.ok) return { reason: parsed.reason };
  const plate = parsed.plate.normalised;
  return { ...ev, plate, plate_format: parsed.plate.format, plate_uncertain: parsed.uncertain, act: `${plate}|${ev.violation}|${ev.site_id}` };
};

/**
 * The dedup stage, for a batch of events: each event is merged into the case of the same
 * act (same normalised plate, same violation, same site, captured within `windowSeconds`
 * of the case's captures), or opens a new case, handed to the owner stage through the
 * outbox. One transaction: the events are locked, then an advisory lock per act (in key
 * order) serialises every worker that sees the same act, so two captures of one act
 * never open two cases. An event no longer RECEIVED was handled by an earlier run:
 * nothing changes.
 *
 * A case is flagged LOW_CONFIDENCE_READ while none of its captures read the plate with
 * at least `confidenceThreshold`; a confident capture merged later lifts the flag.
 */
export const dedupEvents = async (db: TDb, eventIds: string[], opts: TDedupOptions): Promise<TDedupOutcome[]> =>
  db.$transaction(async (tx) => {
    const rows = await lockEventsForDedup(tx, eventIds);
    const events = new Map<string, TPlated>();
    const rejected: { id: string; reason: string }[] = [];
    for (const ev of rows.filter((r) => r.status === 'RECEIVED')) {
      const p = plated(ev);
      if ('reason' in p) rejected.push({ id: ev.id, reason: p.reason });
      else events.set(ev.id, p);
    }
    const acts = [...new Set([...events.values()].map((e) => e.act))].sort();
    if (acts.length > 0) {
      await tx.$queryRaw`
        SELECT count(pg_advisory_xact_lock(h))::int AS n FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(${acts}::text[]) AS k ORDER BY 1) AS s`;
    }
    const open = await openCasesOf(tx, [...events.values()], opts.windowSeconds);
    const captures: TCapture[] = [...events.values()].map((e) => ({ id: e.id, act: e.act, capturedAt: e.captured_at, confident: e.plate_confidence >= opts.confidenceThreshold }));
    const plan = planMerges(captures, open, opts.windowSeconds * 1000, randomUUID);

    const opened = plan.changes.filter((c): c is TCaseChange & { opener: TCapture } => c.opener !== undefined);
    if (opened.length > 0) await openCases(tx, opened, events, opts.confidenceThreshold);
    const merged = plan.changes.filter((c) => c.opener === undefined);
    if (merged.length > 0) await growCases(tx, merged, plan.placement);

    const settlements: TEventSettlement[] = [
      ...[...plan.placement].map(([id, p]): TEventSettlement => {
        const e = events.get(id)!;
        return { id, to: p.opened ? 'OPENED_CASE' : 'MERGED', caseId: p.caseId, plate: e.plate, plateFormat: e.plate_format };
      }),
      ...rejected.map((r): TEventSettlement => ({ id: r.id, to: 'REJECTED', reason: r.reason })),
    ];
    const moved = await settleEvents(tx, settlements);
    // The row locks above make every compare-and-set succeed; anything else is a bug.
    if (moved.size !== settlements.length) throw new Error('events left RECEIVED during dedup');

    const found = new Set(rows.map((r) => r.id));
    return eventIds.map((id): TDedupOutcome => {
      const p = plan.placement.get(id);
      if (p) return p.opened ? { kind: 'opened', caseId: p.caseId } : { kind: 'merged', caseId: p.caseId };
      if (rejected.some((r) => r.id === id)) return { kind: 'rejected', reason: 'INVALID_PLATE' };
      return found.has(id) ? { kind: 'already-done' } : { kind: 'missing' };
    });
  });

/** Cases of the batch's acts whose captures lie within the window of the batch's captures, locked. */
const openCasesOf = async (tx: TTx, events: TPlated[], windowSeconds: number): Promise<TOpenCase[]> => {
  const spans = new Map<string, { e: TPlated; lo: Date; hi: Date }>();
  for (const e of events) {
    const s = spans.get(e.act);
    if (!s) spans.set(e.act, { e, lo: e.captured_at, hi: e.captured_at });
    else {
      if (e.captured_at < s.lo) s.lo = e.captured_at;
      if (e.captured_at > s.hi) s.hi = e.captured_at;
    }
  }
  if (spans.size === 0) return [];
  const rows = await tx.$queryRaw<{ id: string; act: string; first_captured_at: Date; last_captured_at: Date }[]>`
    SELECT c.id::text, q.act, c.first_captured_at, c.last_captured_at
    FROM ${unnestSql([...spans], {
      act: ['text', ([act]) => act],
      plate: ['text', ([, s]) => s.e.plate],
      violation: ['"Violation"', ([, s]) => s.e.violation],
      site_id: ['uuid', ([, s]) => s.e.site_id],
      lo: ['timestamptz', ([, s]) => s.lo],
      hi: ['timestamptz', ([, s]) => s.hi],
    }, 'q')}
    JOIN "case" c ON c.plate = q.plate AND c.violation = q.violation AND c.site_id = q.site_id
      AND c.first_captured_at - ${windowSeconds} * interval '1 second' <= q.hi
      AND c.last_captured_at + ${windowSeconds} * interval '1 second' >= q.lo
    ORDER BY c.id FOR UPDATE OF c`;
  return rows.map((r) => ({ id: r.id, act: r.act, first: r.first_captured_at, last: r.last_captured_at }));
};

/** Creates the opened cases in DETECTED, with their first audit entry and their hand-over to the owner stage. */
const openCases = async (tx: TTx, opened: (TCaseChange & { opener: TCapture })[], events: Map<string, TPlated>, threshold: number) => {
  const rows = opened.map((c) => ({ ...c, ev: events.get(c.opener.id)! }));
  await tx.$executeRaw`
    WITH created AS (
      INSERT INTO "case" (id, plate, plate_raw, plate_format, plate_color, violation, vehicle_class, site_id, status, flags,
        first_captured_at, last_captured_at, event_count, detecting_unit, detecting_agency_id)
      SELECT t.id, t.plate, t.plate_raw, t.plate_format, t.plate_color, t.violation, t.vehicle_class, t.site_id, 'DETECTED',
        string_to_array(t.flags, ','), t.first_at, t.last_at, t.n, t.detecting_unit, t.detecting_agency_id
      FROM ${unnestSql(rows, {
        id: ['uuid', (c) => c.caseId],
        plate: ['text', (c) => c.ev.plate],
        plate_raw: ['text', (c) => c.ev.plate_raw],
        plate_format: ['text', (c) => c.ev.plate_format],
        plate_color: ['"PlateColor"', (c) => c.ev.plate_color],
        violation: ['"Violation"', (c) => c.ev.violation],
        vehicle_class: ['"VehicleClass"', (c) => c.ev.vehicle_class],
        site_id: ['uuid', (c) => c.ev.site_id],
        flags: ['text', (c) => openingFlags(c.ev, c.confident).join(',')],
        first_at: ['timestamptz', (c) => c.first],
        last_at: ['timestamptz', (c) => c.last],
        n: ['int', (c) => c.added],
        detecting_unit: ['text', (c) => c.ev.detecting_unit],
        detecting_agency_id: ['uuid', (c) => c.ev.detecting_agency_id],
      })}
      RETURNING id, status
    )${enterSql(CASE_MACHINE, {
      cte: 'created',
      rows,
      id: (c) => c.caseId,
      state: () => 'DETECTED',
      why: (c) => ({
        reason: c.confident ? 'first capture of this act' : `no capture read the plate with confidence ≥ ${threshold}`,
        data: c.ev.plate_uncertain ? { eventId: c.opener.id, plateUncertain: c.ev.plate_uncertain } : { eventId: c.opener.id },
      }),
    })}
    SELECT count(*) FROM created`;
};

/**
 * Widens merged cases' spans and counts (a confident capture lifts LOW_CONFIDENCE_READ),
 * and audits each: the case keeps its state, but what an officer sees of it changed. The
 * cases were locked by openCasesOf, so their chains are appended to safely.
 */
const growCases = async (tx: TTx, merged: TCaseChange[], placement: TMergePlan['placement']) => {
  const eventsOf = (caseId: string) => [...placement].filter(([, p]) => p.caseId === caseId).map(([eventId]) => eventId);
  const drafts = merged.map((c) =>
    draftAudit({
      actor: `system:${QUEUES.dedup}`,
      entityType: CASE_MACHINE.entity,
      entityId: c.caseId,
      action: 'case.merge',
      reason: `${c.added} more capture(s) of this act${c.confident ? ', one read with confidence' : ''}`,
      data: { eventIds: eventsOf(c.caseId) },
    }),
  );
  await tx.$executeRaw`
    WITH grown AS (
      UPDATE "case" c SET first_captured_at = least(c.first_captured_at, t.first_at), last_captured_at = greatest(c.last_captured_at, t.last_at),
        event_count = c.event_count + t.n, updated_at = now(),
        flags = CASE WHEN t.confident THEN array_remove(c.flags, ${FLAGS.LOW_CONFIDENCE_READ}) ELSE c.flags END
      FROM ${unnestSql(merged, {
        id: ['uuid', (c) => c.caseId],
        first_at: ['timestamptz', (c) => c.first],
        last_at: ['timestamptz', (c) => c.last],
        n: ['int', (c) => c.added],
        confident: ['bool', (c) => c.confident],
      })}
      WHERE c.id = t.id
      RETURNING c.id
    ), audited AS (${appendAuditSql(drafts, { join: 'grown' })})
    SELECT count(*) FROM grown`;
};

/** One event through the dedup stage (see dedupEvents). */
export const dedupEvent = async (db: TDb, eventId: string, opts: TDedupOptions): Promise<TDedupOutcome> =>
  (await dedupEvents(db, [eventId], opts))[0]!;
