import type { TDb } from '../db/index.ts';
import type { PlateColor, VehicleClass } from '../generated/prisma/enums.ts';
import { allowedClassesOf } from '../plates/index.ts';
import { ownerKey, upsertOwners, type TRegistryRecord, type VehicleRegistry } from '../registry/index.ts';
import { moveEntities } from '../workflow/index.ts';
import { CASE_MACHINE } from './case-machine.ts';
import { FLAGS, sameVehicleFamily, type TFlag } from './flags.ts';

export type TOwnerOutcome =
  | { kind: 'resolved'; ownerId: string | null; flags: TFlag[] }
  | { kind: 'already-done' }
  | { kind: 'missing' };

type TCaseRow = {
  id: string;
  status: string;
  plate: string;
  plate_format: string | null;
  plate_color: PlateColor;
  vehicle_class: VehicleClass;
  first_captured_at: Date;
};
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
  const formatFits = c.plate_format === null || allowedClassesOf(c.plate_format).includes(c.vehicle_class);
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
 * not the kind of vehicle the camera saw. The move is the case machine's one statement
 * (compare-and-set, audit entry, hand-over to the fine stage). A case the registry could
 * not answer for gets an Error (it waits and retries); a case no longer DETECTED was done
 * by an earlier run: nothing changes.
 */
export const resolveOwners = async (db: TDb, registry: VehicleRegistry, caseIds: string[]): Promise<(TOwnerOutcome | Error)[]> => {
  const rows = await db.$queryRaw<TCaseRow[]>`
    SELECT id::text, status::text, plate, plate_format, plate_color, vehicle_class, first_captured_at FROM "case" WHERE id = ANY(${caseIds}::uuid[])`;
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

  let moved = new Set<string>();
  if (decisions.length > 0) {
    const ownerIds = await ownerIdsOf(db, decisions.flatMap((d) => (d.record ? [d.record] : [])));
    moved = await moveEntities(db, CASE_MACHINE, {
      path: ['DETECTED', 'OWNER_RESOLVED'],
      rows: decisions,
      id: (d) => d.id,
      why: (d) => ({ reason: d.reason, data: d.flags.length ? { flags: d.flags } : null }),
      set: {
        owner_id: ['uuid', (d) => (d.record ? ownerIds.get(ownerKey(d.record.owner))! : null)],
        registry_snapshot: ['jsonb', (d) => (d.record ? JSON.stringify({ ...d.record, ownerId: undefined }) : null)],
        flags: ['text', (d) => d.flags.join(','), `ARRAY(SELECT DISTINCT f FROM unnest(t.flags || string_to_array(i.flags, ',')) AS f WHERE f <> '')`],
      },
    });
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
