import type { TDb } from '../db/index.ts';
import type { EscalationStatus, EscalationTarget } from '../generated/prisma/enums.ts';
import { moveEntities } from '../workflow/index.ts';
import { EscalationUnavailableError, type TEscalationAdapter, type TEscalationRequest } from './escalation-adapter.ts';
import { ESCALATION_MACHINE } from './escalation-machine.ts';
import { ESCALATION_BASIS, LIFT_BASIS } from './escalation-targets.ts';

export type TEscalationOutcome =
  | { kind: 'sent' }
  | { kind: 'lifted' }
  /** The case was resolved while the hold was being sent: the lift (LIFT_PENDING) follows. */
  | { kind: 'lift-requested-meanwhile' }
  | { kind: 'nothing-to-do'; status: EscalationStatus }
  | { kind: 'missing' };

type TRow = {
  id: string;
  target: EscalationTarget;
  status: EscalationStatus;
  caseStatus: string;
  caseId: string;
  plate: string;
  plateColor: string;
  vehicleClass: string;
  violation: string;
  capturedAt: Date;
  legalBasis: string | null;
  detectingUnit: string | null;
  number: string | null;
  sentAt: Date | null;
  responseDueAt: Date | null;
  ownerType: string | null;
  ownerName: string | null;
  ownerIdNumber: string | null;
  ownerAddress: string | null;
  ownerProvinceCode: string | null;
};

const load = (db: TDb, ids: readonly string[]) =>
  db.$queryRaw<TRow[]>`
    SELECT e.id::text, e.target::text AS target, e.status::text AS status, c.status::text AS "caseStatus", c.id::text AS "caseId",
      c.plate, c.plate_color::text AS "plateColor", coalesce(c.registry_snapshot->>'vehicleClass', c.vehicle_class::text) AS "vehicleClass",
      c.violation::text AS violation, c.first_captured_at AS "capturedAt", c.legal_basis AS "legalBasis", c.detecting_unit AS "detectingUnit",
      n.number, n.sent_at AS "sentAt", n.response_due_at AS "responseDueAt",
      o.owner_type::text AS "ownerType", o.name AS "ownerName", o.id_number AS "ownerIdNumber", o.address AS "ownerAddress", o.province_code AS "ownerProvinceCode"
    FROM escalation e JOIN "case" c ON c.id = e.case_id
    LEFT JOIN notice n ON n.case_id = c.id LEFT JOIN owner o ON o.id = c.owner_id
    WHERE e.id = ANY(${[...ids]}::uuid[])`;

const requestOf = (r: TRow, action: 'HOLD' | 'LIFT'): TEscalationRequest => ({
  escalationId: r.id,
  action,
  target: r.target,
  form: r.target === 'COMMUNE_POLICE' ? '04' : null,
  basis: action === 'HOLD' ? ESCALATION_BASIS[r.target] : LIFT_BASIS,
  ...(action === 'LIFT' ? { cause: r.caseStatus } : {}),
  case: {
    id: r.caseId,
    plate: r.plate,
    plateColor: r.plateColor,
    vehicleClass: r.vehicleClass,
    violation: r.violation,
    capturedAt: r.capturedAt.toISOString(),
    legalBasis: r.legalBasis,
    detectingUnit: r.detectingUnit,
  },
  notice: r.number ? { number: r.number, sentAt: r.sentAt?.toISOString() ?? null, responseDueAt: r.responseDueAt?.toISOString() ?? null } : null,
  owner: r.ownerName
    ? { type: r.ownerType!, name: r.ownerName, idNumber: r.ownerIdNumber!, address: r.ownerAddress!, provinceCode: r.ownerProvinceCode }
    : null,
});

const recordError = (db: TDb, id: string, status: EscalationStatus, err: Error) =>
  db.$executeRaw`UPDATE escalation SET last_error = ${err.message.slice(0, 2000)}, updated_at = now() WHERE id = ${id}::uuid AND status = ${status}::"EscalationStatus"`;

const send = async (db: TDb, adapter: TEscalationAdapter, r: TRow): Promise<TEscalationOutcome> => {
  // Recorded before the call and committed: from here on the hold may reach the agency, so
  // a lift of this case goes through a call too (lift-escalations.ts). Not PENDING any more
  // (lifted meanwhile): no call.
  const [marked] = await db.$queryRaw<{ attempts: number }[]>`
    UPDATE escalation SET attempts = attempts + 1, updated_at = now() WHERE id = ${r.id}::uuid AND status = 'PENDING' RETURNING attempts`;
  if (!marked) return { kind: 'nothing-to-do', status: (await db.escalation.findUniqueOrThrow({ where: { id: r.id }, select: { status: true } })).status };
  let reference: string | null;
  try {
    ({ reference } = await adapter.deliver(requestOf(r, 'HOLD')));
  } catch (err) {
    await recordError(db, r.id, 'PENDING', err as Error);
    throw err;
  }
  const moved = await db.$transaction((tx) =>
    moveEntities(tx, ESCALATION_MACHINE, {
      path: ['PENDING', 'SENT'],
      rows: [r],
      id: (x) => x.id,
      set: { sent_at: ['timestamptz', () => null, 'now()'], provider_ref: ['text', () => reference], last_error: ['text', () => null] },
      why: () => ({ data: { caseId: r.caseId, target: r.target, attempts: marked.attempts, reference, basis: ESCALATION_BASIS[r.target] } }),
    }),
  );
  return moved.has(r.id) ? { kind: 'sent' } : { kind: 'lift-requested-meanwhile' };
};

const lift = async (db: TDb, adapter: TEscalationAdapter, r: TRow): Promise<TEscalationOutcome> => {
  await db.$executeRaw`UPDATE escalation SET attempts = attempts + 1, updated_at = now() WHERE id = ${r.id}::uuid AND status = 'LIFT_PENDING'`;
  let reference: string | null;
  try {
    ({ reference } = await adapter.deliver(requestOf(r, 'LIFT')));
  } catch (err) {
    await recordError(db, r.id, 'LIFT_PENDING', err as Error);
    throw err;
  }
  await db.$transaction((tx) =>
    moveEntities(tx, ESCALATION_MACHINE, {
      path: ['LIFT_PENDING', 'LIFTED'],
      rows: [r],
      id: (x) => x.id,
      set: { lifted_at: ['timestamptz', () => null, 'now()'], last_error: ['text', () => null] },
      why: () => ({ data: { caseId: r.caseId, target: r.target, cause: r.caseStatus, reference, basis: LIFT_BASIS } }),
    }),
  );
  return { kind: 'lifted' };
};

/**
 * The escalation stage: each PENDING escalation's hold is delivered and the escalation
 * SENT; each LIFT_PENDING one is lifted at the agency and LIFTED. Any other state: done
 * already (a duplicate job). An agency that cannot be reached makes the item wait
 * (`waitsOn`); the calls carry an idempotency key, so a repeat after a crash is harmless.
 */
export const escalationStage = (deps: { db: TDb; adapter: TEscalationAdapter }) => ({
  handle: async (ids: string[]): Promise<(TEscalationOutcome | Error)[]> => {
    const rows = new Map((await load(deps.db, ids)).map((r) => [r.id, r]));
    const out: (TEscalationOutcome | Error)[] = [];
    for (const id of ids) {
      const r = rows.get(id);
      const step = !r
        ? Promise.resolve<TEscalationOutcome>({ kind: 'missing' })
        : r.status === 'PENDING'
          ? send(deps.db, deps.adapter, r)
          : r.status === 'LIFT_PENDING'
            ? lift(deps.db, deps.adapter, r)
            : Promise.resolve<TEscalationOutcome>({ kind: 'nothing-to-do', status: r.status });
      out.push(await step.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
    }
    return out;
  },
  waitsOn: (err: Error) => err instanceof EscalationUnavailableError,
});
