import type { TDb } from '../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { parsePlate } from '../plates/index.ts';
import { nextStageRow } from '../queues/outbox-row.ts';
import type { TRegistryRecord, VehicleRegistry } from '../registry/index.ts';
import { FLAGS, sameVehicleFamily, type TFlag } from './flags.ts';

export type TOwnerOutcome =
  | { kind: 'resolved'; ownerId: string | null; flags: TFlag[] }
  | { kind: 'already-done' }
  | { kind: 'missing' };

const ACTOR = 'system:owner';

type TTx = Prisma.TransactionClient;

/** The owner's row in this service's database, created from a national-registry answer if new. */
const ownerIdOf = async (tx: TTx, record: TRegistryRecord): Promise<string> => {
  if (record.ownerId) return record.ownerId;
  const o = record.owner;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO owner (id, owner_type, name, id_number, address, province, email, phone)
    VALUES (gen_random_uuid(), ${o.ownerType}::"OwnerType", ${o.name}, ${o.idNumber}, ${o.address}, ${o.province}, ${o.email}, ${o.phone})
    ON CONFLICT (owner_type, id_number) DO UPDATE SET name = EXCLUDED.name, address = EXCLUDED.address,
      province = EXCLUDED.province, email = EXCLUDED.email, phone = EXCLUDED.phone, updated_at = now()
    RETURNING id::text`;
  return rows[0]!.id;
};

/**
 * The owner stage: looks the plate up in the registry as of the capture time (never "the
 * current owner"), then moves the case DETECTED → OWNER_RESOLVED with the owner, or with
 * UNREGISTERED_PLATE when no registration was in force. CLASS_MISMATCH marks a plate
 * whose registered vehicle (or plate format) is not the kind of vehicle the camera saw.
 * A registry that cannot answer throws; the caller waits and tries again.
 */
export const resolveOwner = async (db: TDb, registry: VehicleRegistry, caseId: string): Promise<TOwnerOutcome> => {
  const c = await db.case.findUnique({
    where: { id: caseId },
    select: { status: true, plate: true, plateColor: true, vehicleClass: true, firstCapturedAt: true },
  });
  if (!c) return { kind: 'missing' };
  if (c.status !== 'DETECTED') return { kind: 'already-done' };

  const record = await registry.lookup({ plate: c.plate, plateColor: c.plateColor, at: c.firstCapturedAt });

  const flags: TFlag[] = [];
  const plate = parsePlate(c.plate);
  const formatFits = !plate.ok || plate.plate.allowedClasses.includes(c.vehicleClass);
  if (!record) flags.push(FLAGS.UNREGISTERED_PLATE);
  if (!formatFits || (record && !sameVehicleFamily(record.vehicleClass, c.vehicleClass))) flags.push(FLAGS.CLASS_MISMATCH);
  const reason = record
    ? `registered owner (${record.owner.ownerType === 'ORGANISATION' ? 'organisation' : 'person'}) found as of capture time`
    : 'no registration of this plate and colour was in force at capture time';
  const snapshot = record ? (JSON.parse(JSON.stringify({ ...record, ownerId: undefined })) as Prisma.InputJsonValue) : undefined;

  return db.$transaction(async (tx) => {
    const ownerId = record ? await ownerIdOf(tx, record) : null;
    const moved = await tx.$executeRaw`
      UPDATE "case" SET status = 'OWNER_RESOLVED', owner_id = ${ownerId}::uuid,
        registry_snapshot = ${snapshot === undefined ? null : JSON.stringify(snapshot)}::jsonb,
        flags = ARRAY(SELECT DISTINCT unnest(flags || ${flags}::text[])), updated_at = now()
      WHERE id = ${caseId}::uuid AND status = 'DETECTED'`;
    if (moved !== 1) return { kind: 'already-done' } as const;
    await appendAudit(tx, {
      actor: ACTOR,
      entityType: 'case',
      entityId: caseId,
      action: 'case.owner',
      fromState: 'DETECTED',
      toState: 'OWNER_RESOLVED',
      reason,
      data: flags.length ? { flags } : null,
    });
    await tx.outboxMessage.createMany({ data: [nextStageRow('fine', caseId)] });
    return { kind: 'resolved', ownerId, flags } as const;
  });
};
