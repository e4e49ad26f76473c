import { unnestSql, type TTx } from '../db/index.ts';
import { ownerProvinceCode } from '../units/index.ts';
import type { TRegistryOwner } from './vehicle-registry.ts';

export const ownerKey = (o: Pick<TRegistryOwner, 'ownerType' | 'idNumber'>): string => `${o.ownerType}|${o.idNumber}`;

/**
 * Writes owners (one statement), keyed by type and ID number: new ones are created,
 * changed ones updated, identical ones left untouched. Returns every owner's id by
 * `ownerKey`, and how many were created and updated. Each owner's unit code is resolved
 * here from its province field or address (null when neither names a unit).
 */
export const upsertOwners = async (
  db: TTx,
  owners: TRegistryOwner[],
): Promise<{ ids: Map<string, string>; created: number; updated: number }> => {
  const ids = new Map<string, string>();
  if (owners.length === 0) return { ids, created: 0, updated: 0 };
  const rows = await db.$queryRaw<{ id: string; k: string; change: 'created' | 'updated' | null }[]>`
    WITH input AS (
      SELECT * FROM ${unnestSql(owners, {
        owner_type: ['"OwnerType"', (o) => o.ownerType],
        id_number: ['text', (o) => o.idNumber],
        name: ['text', (o) => o.name],
        address: ['text', (o) => o.address],
        province: ['text', (o) => o.province],
        province_code: ['text', (o) => ownerProvinceCode(o)],
        email: ['text', (o) => o.email],
        phone: ['text', (o) => o.phone],
      })}
    ), upserted AS (
      INSERT INTO owner (id, owner_type, id_number, name, address, province, province_code, email, phone)
      SELECT gen_random_uuid(), i.* FROM input i
      ON CONFLICT (owner_type, id_number) DO UPDATE SET name = EXCLUDED.name, address = EXCLUDED.address,
        province = EXCLUDED.province, province_code = EXCLUDED.province_code, email = EXCLUDED.email, phone = EXCLUDED.phone, updated_at = now()
      WHERE (owner.name, owner.address, owner.province, owner.province_code, owner.email, owner.phone)
        IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.address, EXCLUDED.province, EXCLUDED.province_code, EXCLUDED.email, EXCLUDED.phone)
      RETURNING id, owner_type, id_number, CASE WHEN xmax = 0 THEN 'created' ELSE 'updated' END AS change
    )
    SELECT coalesce(u.id, o.id)::text AS id, i.owner_type || '|' || i.id_number AS k, u.change
    FROM input i
    LEFT JOIN upserted u ON u.owner_type = i.owner_type AND u.id_number = i.id_number
    LEFT JOIN owner o ON o.owner_type = i.owner_type AND o.id_number = i.id_number`;
  let created = 0;
  let updated = 0;
  for (const r of rows) {
    ids.set(r.k, r.id);
    if (r.change === 'created') created++;
    if (r.change === 'updated') updated++;
  }
  return { ids, created, updated };
};
