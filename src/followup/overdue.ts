import { randomUUID } from 'node:crypto';
import { CASE_MACHINE } from '../cases/index.ts';
import { PERIODS } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { EscalationTarget, VehicleClass } from '../generated/prisma/enums.ts';
import { enterSql, moveEntities } from '../workflow/index.ts';
import { ESCALATION_MACHINE } from './escalation-machine.ts';
import { ESCALATION_BASIS, escalationTargets } from './escalation-targets.ts';

export const DEADLINES_ACTOR = 'system:deadlines';

type TDue = { id: string; vehicleClass: VehicleClass; noticeId: string; number: string; sentAt: Date | null; responseDueAt: Date };

export type TOverdueReport = { overdue: number; escalations: number; byTarget: Partial<Record<EscalationTarget, number>> };

/**
 * NOTIFIED cases whose response period (notice.responseDueAt, Circular 73/2024 Art 24.5)
 * ended before `now` with no response recorded, oldest due first. The vehicle class is the
 * registered one where the look-up found it (the registries hold the registered vehicle).
 */
const dueCases = (db: TDb, now: Date, batch: number) =>
  db.$queryRaw<TDue[]>`
    SELECT c.id::text, coalesce(c.registry_snapshot->>'vehicleClass', c.vehicle_class::text) AS "vehicleClass",
      n.id::text AS "noticeId", n.number, n.sent_at AS "sentAt", n.response_due_at AS "responseDueAt"
    FROM "case" c JOIN notice n ON n.case_id = c.id
    WHERE c.status = 'NOTIFIED' AND n.response_due_at < ${now}
      AND NOT EXISTS (SELECT 1 FROM owner_response r WHERE r.case_id = c.id)
    ORDER BY n.response_due_at LIMIT ${batch}`;

/**
 * Moves the cases whose owner let the 20-day period pass to OVERDUE and opens their
 * escalations, in one transaction: the case's audit entry names the basis and the holds
 * asked for, each escalation starts its own audited chain and is handed to the escalation
 * stage through the outbox. A case moved by someone else meanwhile (a response recorded)
 * is skipped by the compare-and-set; an escalation that exists already is kept (UNIQUE
 * case and target), so a second run changes nothing.
 */
export const escalateOverdue = async (db: TDb, opts: { now: Date; batch: number }): Promise<TOverdueReport> => {
  const due = await dueCases(db, opts.now, opts.batch);
  if (due.length === 0) return { overdue: 0, escalations: 0, byTarget: {} };
  return db.$transaction(async (tx) => {
    const moved = await moveEntities(tx, CASE_MACHINE, {
      path: ['NOTIFIED', 'OVERDUE'],
      rows: due,
      id: (c) => c.id,
      actor: DEADLINES_ACTOR,
      why: (c) => ({
        reason: 'no response recorded within 20 days of sending the notice',
        data: {
          basis: PERIODS.ownerResponse.basis,
          noticeId: c.noticeId,
          number: c.number,
          sentAt: c.sentAt?.toISOString() ?? null,
          responseDueAt: c.responseDueAt.toISOString(),
          escalations: escalationTargets(c.vehicleClass),
        },
      }),
    });
    const rows = due
      .filter((c) => moved.has(c.id))
      .flatMap((c) => escalationTargets(c.vehicleClass).map((target) => ({ id: randomUUID(), caseId: c.id, target, number: c.number })));
    if (rows.length === 0) return { overdue: 0, escalations: 0, byTarget: {} };
    const created = await tx.$queryRaw<{ id: string; target: EscalationTarget }[]>`
      WITH e AS (
        INSERT INTO escalation (id, case_id, target)
        SELECT i.id, i.case_id, i.target::"EscalationTarget"
        FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.caseId)}::uuid[], ${rows.map((r) => r.target)}::text[]) AS i(id, case_id, target)
        ON CONFLICT (case_id, target) DO NOTHING
        RETURNING id, status, target
      )${enterSql(ESCALATION_MACHINE, {
        cte: 'e',
        rows,
        id: (r) => r.id,
        state: () => 'PENDING',
        actor: () => DEADLINES_ACTOR,
        why: (r) => ({ reason: 'the owner did not respond to the notice in 20 days', data: { caseId: r.caseId, target: r.target, number: r.number, basis: ESCALATION_BASIS[r.target] } }),
      })}
      SELECT id::text, target::text AS target FROM e`;
    const byTarget: Partial<Record<EscalationTarget, number>> = {};
    for (const e of created) byTarget[e.target] = (byTarget[e.target] ?? 0) + 1;
    return { overdue: moved.size, escalations: created.length, byTarget };
  });
};

/** NOTIFIED cases without a response date (the dispatch stage sets it with sentAt): the clock cannot run for them. */
export const notifiedWithoutDueDate = async (db: TDb): Promise<number> => {
  const [row] = await db.$queryRaw<{ n: number }[]>(Prisma.sql`
    SELECT count(*)::int AS n FROM "case" c JOIN notice n ON n.case_id = c.id WHERE c.status = 'NOTIFIED' AND n.response_due_at IS NULL`);
  return row!.n;
};
