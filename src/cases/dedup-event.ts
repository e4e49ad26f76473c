import { randomUUID } from 'node:crypto';
import type { TDb } from '../db/client.ts';
import { appendAuditSql, draftAudit, type TAuditDraft } from '../audit/index.ts';
import { parsePlate } from '../plates/index.ts';
import { jobIds, QUEUES } from '../queues/index.ts';
import { FLAGS } from './flags.ts';

export type TDedupOutcome =
  | { kind: 'opened'; caseId: string }
  | { kind: 'merged'; caseId: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'already-done' }
  | { kind: 'missing' };

export type TDedupOptions = { windowSeconds: number; confidenceThreshold: number };

type TEventRow = {
  id: string;
  status: string;
  captured_at: Date;
  violation: string;
  vehicle_class: string;
  plate_raw: string;
  plate_color: string;
  plate_confidence: number;
  site_id: string;
  agency: string;
};

type TPlatedEvent = TEventRow & { plate: string };

/** A case as this batch leaves it; `opener` is set for a case the batch opens. */
type TCaseState = {
  id: string;
  first: Date;
  last: Date;
  added: number;
  confident: boolean;
  opener?: TPlatedEvent;
};

const ACTOR = 'system:dedup';

/**
 * The dedup stage, for a batch of events: each event is merged into the case of the same
 * act (same normalised plate, same violation, same site, captured within
 * `windowSeconds` of the case's captures), or opens a new case, handed to the owner stage
 * through the outbox. One transaction: the events are locked (in id order), then an
 * advisory lock per act (in key order) serialises every worker that sees the same act,
 * so two captures of one act never open two cases. An event no longer RECEIVED was
 * handled by an earlier run: nothing changes.
 *
 * A case is flagged LOW_CONFIDENCE_READ while none of its captures read the plate with
 * at least `confidenceThreshold`; a confident capture merged later lifts the flag.
 */
export const dedupEvents = async (db: TDb, eventIds: string[], opts: TDedupOptions): Promise<TDedupOutcome[]> =>
  db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<TEventRow[]>`
      SELECT e.id::text, e.status::text, e.captured_at, e.violation::text, e.vehicle_class::text, e.plate_raw,
             e.plate_color::text, e.plate_confidence, c.site_id::text, c.agency
      FROM camera_event e JOIN camera c ON c.id = e.camera_id
      WHERE e.id = ANY(${eventIds}::uuid[]) ORDER BY e.id FOR UPDATE OF e`;
    const outcome = new Map<string, TDedupOutcome>();
    const rejected: { ev: TEventRow; reason: string }[] = [];
    const byAct = new Map<string, TPlatedEvent[]>();
    for (const ev of rows) {
      if (ev.status !== 'RECEIVED') continue;
      const parsed = parsePlate(ev.plate_raw);
      if (!parsed.ok) {
        rejected.push({ ev, reason: parsed.reason });
        continue;
      }
      const key = `${parsed.plate.normalised}|${ev.violation}|${ev.site_id}`;
      byAct.set(key, [...(byAct.get(key) ?? []), { ...ev, plate: parsed.plate.normalised }]);
    }
    const keys = [...byAct.keys()];

    if (keys.length > 0) {
      await tx.$queryRaw`
        SELECT count(pg_advisory_xact_lock(h))::int AS n FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(${keys}::text[]) AS k ORDER BY 1) AS s`;
    }
    const w = opts.windowSeconds * 1000;
    const acts = keys.map((k) => {
      const evs = byAct.get(k)!.sort((a, b) => a.captured_at.getTime() - b.captured_at.getTime());
      return { key: k, evs, lo: evs[0]!.captured_at, hi: evs.at(-1)!.captured_at };
    });
    const existing = acts.length
      ? await tx.$queryRaw<{ id: string; k: string; first_captured_at: Date; last_captured_at: Date }[]>`
          SELECT c.id::text, q.k, c.first_captured_at, c.last_captured_at
          FROM unnest(${acts.map((a) => a.key)}::text[], ${acts.map((a) => a.evs[0]!.plate)}::text[],
                      ${acts.map((a) => a.evs[0]!.violation)}::"Violation"[], ${acts.map((a) => a.evs[0]!.site_id)}::uuid[],
                      ${acts.map((a) => a.lo.toISOString())}::timestamptz[], ${acts.map((a) => a.hi.toISOString())}::timestamptz[])
               AS q(k, plate, violation, site_id, lo, hi)
          JOIN "case" c ON c.plate = q.plate AND c.violation = q.violation AND c.site_id = q.site_id
            AND c.first_captured_at - ${opts.windowSeconds} * interval '1 second' <= q.hi
            AND c.last_captured_at + ${opts.windowSeconds} * interval '1 second' >= q.lo
          ORDER BY c.id FOR UPDATE OF c`
      : [];

    const cases: TCaseState[] = [];
    const eventCase = new Map<string, { caseId: string; opened: boolean }>();
    for (const act of acts) {
      const candidates: TCaseState[] = existing
        .filter((c) => c.k === act.key)
        .map((c) => ({ id: c.id, first: c.first_captured_at, last: c.last_captured_at, added: 0, confident: false }));
      for (const ev of act.evs) {
        const t = ev.captured_at.getTime();
        const confident = ev.plate_confidence >= opts.confidenceThreshold;
        const hit = candidates
          .filter((c) => c.first.getTime() - w <= t && c.last.getTime() + w >= t)
          .sort((a, b) => a.first.getTime() - b.first.getTime())[0];
        if (hit) {
          if (t < hit.first.getTime()) hit.first = ev.captured_at;
          if (t > hit.last.getTime()) hit.last = ev.captured_at;
          hit.added++;
          hit.confident ||= confident;
          eventCase.set(ev.id, { caseId: hit.id, opened: false });
        } else {
          const fresh: TCaseState = { id: randomUUID(), first: ev.captured_at, last: ev.captured_at, added: 1, confident, opener: ev };
          candidates.push(fresh);
          eventCase.set(ev.id, { caseId: fresh.id, opened: true });
        }
      }
      cases.push(...candidates.filter((c) => c.added > 0));
    }

    const opened = cases.filter((c): c is TCaseState & { opener: TPlatedEvent } => c.opener !== undefined);
    const merged = cases.filter((c) => c.opener === undefined);
    if (opened.length > 0) {
      const at = new Date();
      const drafts = opened.map((c) =>
        draftAudit({
          actor: ACTOR,
          entityType: 'case',
          entityId: c.id,
          action: 'case.open',
          toState: 'DETECTED',
          reason: c.confident ? 'first capture of this act' : `no capture read the plate with confidence ≥ ${opts.confidenceThreshold}`,
          data: { eventId: c.opener.id },
        }, at),
      );
      const col = <T>(f: (c: (typeof opened)[number]) => T) => opened.map(f);
      await tx.$executeRaw`
        WITH created AS (
          INSERT INTO "case" (id, plate, plate_raw, plate_color, violation, vehicle_class, site_id, status, flags,
            first_captured_at, last_captured_at, event_count, detecting_unit)
          SELECT t.id, t.plate, t.plate_raw, t.plate_color, t.violation, t.vehicle_class, t.site_id, 'DETECTED',
            CASE WHEN t.confident THEN '{}'::text[] ELSE ARRAY[${FLAGS.LOW_CONFIDENCE_READ}] END, t.first_at, t.last_at, t.n, t.agency
          FROM unnest(${col((c) => c.id)}::uuid[], ${col((c) => c.opener.plate)}::text[], ${col((c) => c.opener.plate_raw)}::text[],
            ${col((c) => c.opener.plate_color)}::"PlateColor"[], ${col((c) => c.opener.violation)}::"Violation"[],
            ${col((c) => c.opener.vehicle_class)}::"VehicleClass"[], ${col((c) => c.opener.site_id)}::uuid[], ${col((c) => c.confident)}::bool[],
            ${col((c) => c.first.toISOString())}::timestamptz[], ${col((c) => c.last.toISOString())}::timestamptz[], ${col((c) => c.added)}::int[],
            ${col((c) => c.opener.agency)}::text[])
            AS t(id, plate, plate_raw, plate_color, violation, vehicle_class, site_id, confident, first_at, last_at, n, agency)
          RETURNING id
        ), audit_rows AS (${appendAuditSql(drafts, 'created')}
        )
        INSERT INTO outbox_message (queue, job_id, payload)
        SELECT ${QUEUES.owner}, o.job_id, jsonb_build_object('id', o.id)
        FROM unnest(${opened.map((c) => c.id)}::uuid[], ${opened.map((c) => jobIds.owner(c.id))}::text[]) AS o(id, job_id)`;
    }
    if (merged.length > 0) {
      await tx.$executeRaw`
        UPDATE "case" c SET first_captured_at = least(c.first_captured_at, t.first_at), last_captured_at = greatest(c.last_captured_at, t.last_at),
          event_count = c.event_count + t.n, updated_at = now(),
          flags = CASE WHEN t.confident THEN array_remove(c.flags, ${FLAGS.LOW_CONFIDENCE_READ}) ELSE c.flags END
        FROM unnest(${merged.map((c) => c.id)}::uuid[], ${merged.map((c) => c.first.toISOString())}::timestamptz[],
          ${merged.map((c) => c.last.toISOString())}::timestamptz[], ${merged.map((c) => c.added)}::int[], ${merged.map((c) => c.confident)}::bool[])
          AS t(id, first_at, last_at, n, confident)
        WHERE c.id = t.id`;
    }

    const plateOf = new Map([...byAct.values()].flat().map((e) => [e.id, e.plate]));
    const moves = [...eventCase.entries()].map(([id, m]) => ({ id, ...m, plate: plateOf.get(id)! }));
    const toState = (m: { opened: boolean }) => (m.opened ? 'OPENED_CASE' : 'MERGED');
    const eventDrafts: TAuditDraft[] = [
      ...moves.map((m) => draftAudit({ actor: ACTOR, entityType: 'camera_event', entityId: m.id, action: 'event.dedup', fromState: 'RECEIVED', toState: toState(m), reason: m.opened ? 'first capture of this act' : 'another capture of an open case', data: { caseId: m.caseId } })),
      ...rejected.map(({ ev, reason }) => draftAudit({ actor: ACTOR, entityType: 'camera_event', entityId: ev.id, action: 'event.reject', fromState: 'RECEIVED', toState: 'REJECTED', reason: `INVALID_PLATE: ${reason}` })),
    ];
    if (eventDrafts.length > 0) {
      const all = [
        ...moves.map((m) => ({ id: m.id, status: toState(m), caseId: m.caseId as string | null, plate: m.plate as string | null, reason: null as string | null })),
        ...rejected.map(({ ev }) => ({ id: ev.id, status: 'REJECTED', caseId: null, plate: null, reason: 'INVALID_PLATE' })),
      ];
      // Compare-and-set: only RECEIVED events move; the row locks above make it certain.
      const moved = await tx.$queryRaw<{ id: string }[]>`
        WITH moved AS (
          UPDATE camera_event e SET status = t.status, case_id = t.case_id, plate = t.plate, reject_reason = t.reason
          FROM unnest(${all.map((a) => a.id)}::uuid[], ${all.map((a) => a.status)}::"EventStatus"[], ${all.map((a) => a.caseId)}::uuid[],
            ${all.map((a) => a.plate)}::text[], ${all.map((a) => a.reason)}::text[]) AS t(id, status, case_id, plate, reason)
          WHERE e.id = t.id AND e.status = 'RECEIVED'
          RETURNING e.id
        ), audit_rows AS (${appendAuditSql(eventDrafts, 'moved')})
        SELECT id::text FROM moved`;
      if (moved.length !== all.length) throw new Error('events left RECEIVED during dedup');
    }

    for (const [id, m] of eventCase) outcome.set(id, m.opened ? { kind: 'opened', caseId: m.caseId } : { kind: 'merged', caseId: m.caseId });
    for (const { ev } of rejected) outcome.set(ev.id, { kind: 'rejected', reason: 'INVALID_PLATE' });
    const found = new Set(rows.map((r) => r.id));
    return eventIds.map((id) => outcome.get(id) ?? (found.has(id) ? { kind: 'already-done' } : { kind: 'missing' }));
  });

/** One event through the dedup stage (see dedupEvents). */
export const dedupEvent = async (db: TDb, eventId: string, opts: TDedupOptions): Promise<TDedupOutcome> =>
  (await dedupEvents(db, [eventId], opts))[0]!;
