import type { TDb } from '../db/client.ts';
import { appendAuditSql, draftAudit, type TAuditDraft } from '../audit/index.ts';
import type { PlateColor, VehicleClass } from '../generated/prisma/enums.ts';
import { parsePlate } from '../plates/index.ts';
import { jobIds, QUEUES } from '../queues/index.ts';
import { ownerKey, upsertOwners, type TRegistryRecord, type VehicleRegistry } from '../registry/index.ts';
import { FLAGS, sameVehicleFamily, type TFlag } from './flags.ts';

export type TOwnerOutcome =
  | { kind: 'resolved'; ownerId: string | null; flags: TFlag[] }
  | { kind: 'already-done' }
  | { kind: 'missing' };

const ACTOR = 'system:owner';

type TCaseRow = { id: string; status: string; plate: string; plate_color: PlateColor; vehicle_class: VehicleClass; first_captured_at: Date };
type TDecision = { id: string; record: TRegistryRecord | null; flags: TFlag[]; reason: string };

/** Owner ids of the records: rows of this database already, or created from a national-registry answer. */
const ownerIdsOf = async (db: TDb, records: TRegistryRecord[]): Promise<Map<string, string>> => {
  const known = new Map(records.filter((r) => r.ownerId).map((r) => [ownerKey(r.owner), r.ownerId!]));
  const fresh = new Map(records.filter((r) => !r.ownerId).map((r) => [ownerKey(r.owner), r.owner]));
  const { ids } = await upsertOwners(db, [...fresh.values()]);
  return new Map([...known, ...ids]);
};

const decide = (c: TCaseRow, record: TRegistryRecord | null): TDecision => {
  const flags: TFlag[] = [];
  const plate = parsePlate(c.plate);
  const formatFits = !plate.ok || plate.plate.allowedClasses.includes(c.vehicle_class);
  if (!record) flags.push(FLAGS.UNREGISTERED_PLATE);
  if (!formatFits || (record && !sameVehicleFamily(record.vehicleClass, c.vehicle_class))) flags.push(FLAGS.CLASS_MISMATCH);
  const reason = record
    ? `registered owner (${record.owner.ownerType === 'ORGANISATION' ? 'organisation' : 'person'}) found as of capture time`
    : 'no registration of this plate and colour was in force at capture time';
  return { id: c.id, record, flags, reason };
};

/**
 * The owner stage, for a batch of cases: looks each plate up in the registry as of its
 * capture time (never "the current owner"), then moves the cases DETECTED →
 * OWNER_RESOLVED with their owner, or with UNREGISTERED_PLATE when no registration was
 * in force. CLASS_MISMATCH marks a plate whose registered vehicle (or plate format) is
 * not the kind of vehicle the camera saw. One statement moves every case with a
 * compare-and-set, appends its audit entry and hands it to the fine stage through the
 * outbox. A case the registry could not answer for gets an Error (it waits and retries);
 * a case no longer DETECTED was done by an earlier run: nothing changes.
 */
export const resolveOwners = async (db: TDb, registry: VehicleRegistry, caseIds: string[]): Promise<(TOwnerOutcome | Error)[]> => {
  const rows = await db.$queryRaw<TCaseRow[]>`
    SELECT id::text, status::text, plate, plate_color, vehicle_class, first_captured_at FROM "case" WHERE id = ANY(${caseIds}::uuid[])`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const todo = [...new Set(caseIds)].map((id) => byId.get(id)).filter((c): c is TCaseRow => c?.status === 'DETECTED');
  const answers = await registry.lookupMany(todo.map((c) => ({ plate: c.plate, plateColor: c.plate_color, at: c.first_captured_at })));

  const errors = new Map<string, Error>();
  const decisions: TDecision[] = [];
  todo.forEach((c, i) => {
    const a = answers[i];
    if (a instanceof Error) errors.set(c.id, a);
    else decisions.push(decide(c, a ?? null));
  });

  const moved = new Set<string>();
  if (decisions.length > 0) {
    const ownerIds = await ownerIdsOf(db, decisions.flatMap((d) => (d.record ? [d.record] : [])));
    const ownerOf = (d: TDecision) => (d.record ? ownerIds.get(ownerKey(d.record.owner))! : null);
    const drafts: TAuditDraft[] = decisions.map((d) =>
      draftAudit({ actor: ACTOR, entityType: 'case', entityId: d.id, action: 'case.owner', fromState: 'DETECTED', toState: 'OWNER_RESOLVED', reason: d.reason, data: d.flags.length ? { flags: d.flags } : null }),
    );
    const snapshot = (r: TRegistryRecord | null) => (r ? JSON.stringify({ ...r, ownerId: undefined }) : null);
    const result = await db.$queryRaw<{ id: string }[]>`
      WITH input AS (
        SELECT * FROM unnest(${decisions.map((d) => d.id)}::uuid[], ${decisions.map(ownerOf)}::uuid[],
          ${decisions.map((d) => snapshot(d.record))}::jsonb[], ${decisions.map((d) => d.flags.join(','))}::text[],
          ${decisions.map((d) => jobIds.fine(d.id))}::text[]) AS t(id, owner_id, snapshot, flags, job_id)
      ), moved AS (
        UPDATE "case" c SET status = 'OWNER_RESOLVED', owner_id = i.owner_id, registry_snapshot = i.snapshot, updated_at = now(),
          flags = ARRAY(SELECT DISTINCT f FROM unnest(c.flags || string_to_array(i.flags, ',')) AS f WHERE f <> '')
        FROM input i WHERE c.id = i.id AND c.status = 'DETECTED'
        RETURNING c.id, i.job_id
      ), audit_rows AS (${appendAuditSql(drafts, 'moved')}
      ), outbox_rows AS (
        INSERT INTO outbox_message (queue, job_id, payload)
        SELECT ${QUEUES.fine}, m.job_id, jsonb_build_object('id', m.id) FROM moved m
      )
      SELECT id::text FROM moved`;
    for (const r of result) moved.add(r.id);
  }

  const decided = new Map(decisions.map((d) => [d.id, d]));
  return caseIds.map((id): TOwnerOutcome | Error => {
    if (!byId.has(id)) return { kind: 'missing' };
    const err = errors.get(id);
    if (err) return err;
    const d = decided.get(id);
    if (!d || !moved.has(id)) return { kind: 'already-done' };
    return { kind: 'resolved', ownerId: d.record ? (d.record.ownerId ?? null) : null, flags: d.flags };
  });
};

/** One case through the owner stage (see resolveOwners); registry errors are thrown. */
export const resolveOwner = async (db: TDb, registry: VehicleRegistry, caseId: string): Promise<TOwnerOutcome> => {
  const [out] = await resolveOwners(db, registry, [caseId]);
  if (out instanceof Error) throw out;
  return out!;
};
