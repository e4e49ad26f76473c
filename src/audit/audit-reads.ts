import { Prisma } from '../generated/prisma/client.ts';
import type { TTx } from '../db/index.ts';
import type { TStoredEntry } from './chain-check.ts';
import { RangeDigest, type TCheckpoint } from './checkpoint-digest.ts';

/** An entity whose chain is read on its own. */
export type TEntityRef = { type: string; id: string };

type TEntryRow = {
  id: bigint;
  at: Date;
  actor: string;
  entity_type: string;
  entity_id: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  data: Prisma.JsonValue | null;
  prev_hash: string | null;
  hash: string;
};

const COLUMNS = Prisma.sql`id, at, actor, entity_type, entity_id, action, from_state, to_state, reason, data, prev_hash, hash`;

const toEntry = (r: TEntryRow): TStoredEntry => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  entityType: r.entity_type,
  entityId: r.entity_id,
  action: r.action,
  fromState: r.from_state,
  toState: r.to_state,
  reason: r.reason,
  data: r.data,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Entries in chain order (entity, then id), a page at a time, walking the
 * (entity_type, entity_id, id) index from where the last page ended: each page costs the
 * same however far into the log it is, and no page holds more than `pageSize` rows.
 * With `entity`, only that entity's chain.
 */
export async function* chainPages(db: TTx, entity?: TEntityRef, pageSize = 5_000): AsyncGenerator<TStoredEntry[]> {
  let after = { type: '', id: '', entry: 0n };
  for (;;) {
    const where = entity
      ? Prisma.sql`entity_type = ${entity.type} AND entity_id = ${entity.id} AND id > ${after.entry}`
      : Prisma.sql`(entity_type, entity_id, id) > (${after.type}, ${after.id}, ${after.entry})`;
    const rows = await db.$queryRaw<TEntryRow[]>`
      SELECT ${COLUMNS} FROM audit_entry WHERE ${where} ORDER BY entity_type, entity_id, id LIMIT ${pageSize}`;
    if (rows.length > 0) yield rows.map(toEntry);
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = { type: last.entity_type, id: last.entity_id, entry: last.id };
  }
}

/**
 * The count and running digest (see RangeDigest) of the entries with afterId < id <= lastId,
 * after `prevDigest`. PostgreSQL joins each page's hashes into one string, so a page is
 * one row on the wire, and the digest never holds more than a page in memory.
 */
export const digestRange = async (
  db: TTx,
  prevDigest: string | null,
  afterId: bigint,
  lastId: bigint,
  pageSize = 20_000,
): Promise<{ entries: number; digest: string }> => {
  const digest = new RangeDigest(prevDigest);
  for (let from = afterId; ; ) {
    const [page] = await db.$queryRaw<{ n: number; last: bigint | null; hashes: string | null }[]>`
      SELECT count(*)::int AS n, max(id) AS last, string_agg(hash, '' ORDER BY id) AS hashes
      FROM (SELECT id, hash FROM audit_entry WHERE id > ${from} AND id <= ${lastId} ORDER BY id LIMIT ${pageSize}) p`;
    if (!page || page.n === 0) break;
    digest.add(page.hashes!, page.n);
    if (page.n < pageSize) break;
    from = page.last!;
  }
  return { entries: digest.entries, digest: digest.digest() };
};

/** Every checkpoint in order: a few a day, so all of them fit in memory. */
export const readCheckpoints = (db: TTx): Promise<TCheckpoint[]> => db.auditCheckpoint.findMany({ orderBy: { seq: 'asc' } });
