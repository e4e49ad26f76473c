import { unnestSql, type TDb } from '../db/index.ts';
import { ownerProvinceCode } from '../units/index.ts';

/** Owners read and written per statement. */
const CHUNK = 5_000;

/**
 * Gives owners stored before unit codes existed (or before a new alias was added) the
 * unit code the matcher finds in their province field or address. Owners no name
 * matches stay null and are counted, so an operator sees how many cases will be flagged
 * OWNER_ADDRESS_UNMATCHED. Walks the table by id, so it can run on a live database.
 */
export const backfillOwnerProvinceCodes = async (db: TDb): Promise<{ matched: number; unmatched: number }> => {
  let matched = 0;
  let unmatched = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db.$queryRaw<{ id: string; address: string; province: string }[]>`
      SELECT id::text, address, province FROM owner WHERE province_code IS NULL AND id > ${after}::uuid ORDER BY id LIMIT ${CHUNK}`;
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    const found = rows.flatMap((r) => {
      const code = ownerProvinceCode(r);
      return code ? [{ id: r.id, code }] : [];
    });
    matched += found.length;
    unmatched += rows.length - found.length;
    if (found.length > 0) {
      await db.$executeRaw`
        UPDATE owner o SET province_code = t.code, updated_at = now()
        FROM ${unnestSql(found, { id: ['uuid', (r) => r.id], code: ['text', (r) => r.code] })}
        WHERE o.id = t.id AND o.province_code IS NULL`;
    }
  }
  return { matched, unmatched };
};
