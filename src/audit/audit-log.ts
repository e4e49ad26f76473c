import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { TDb } from '../db/client.ts';

export type TAuditInput = {
  actor: string;
  entityType: string;
  entityId: string;
  action: string;
  fromState?: string | null;
  toState?: string | null;
  reason?: string | null;
  data?: Prisma.InputJsonValue | null;
};

export type TAuditRow = TAuditInput & { at: Date; prevHash: string | null; hash: string };

type TTx = Prisma.TransactionClient | TDb;

const canonical = (e: TAuditInput & { at: Date }): string =>
  canonicalJson([
    e.at.toISOString(),
    e.actor,
    e.entityType,
    e.entityId,
    e.action,
    e.fromState ?? null,
    e.toState ?? null,
    e.reason ?? null,
    e.data ?? null,
  ]);

/** sha256 of the canonical entry, without its place in the chain. */
export const contentHash = (e: TAuditInput & { at: Date }): string => createHash('sha256').update(canonical(e)).digest('hex');

/**
 * hash = sha256(prevHash + "|" + contentHash): editing or dropping an entry breaks the
 * chain. Set-based writers compute the same in SQL (see CHAIN_HASH_SQL) from a content
 * hash made here, so a batch can append to many chains in one statement.
 */
export const chainHash = (prevHash: string | null, e: TAuditInput & { at: Date }): string =>
  createHash('sha256').update(`${prevHash ?? ''}|${contentHash(e)}`).digest('hex');

/** The first entry of an entity's chain; used where the entity is created in the same statement. */
export const firstAuditRow = (e: TAuditInput, at = new Date()): TAuditRow => ({
  ...e,
  at,
  prevHash: null,
  hash: chainHash(null, { ...e, at }),
});

/**
 * Appends an entry to the entity's chain. Call it inside the transaction that changes
 * the entity, after the compare-and-set that locks its row, so entries of one entity
 * never race. Chains are per entity to keep unrelated writers from queueing on one lock.
 */
export const appendAudit = async (tx: TTx, e: TAuditInput): Promise<void> => {
  const prev = await tx.auditEntry.findFirst({
    where: { entityType: e.entityType, entityId: e.entityId },
    orderBy: { id: 'desc' },
    select: { hash: true },
  });
  const at = new Date();
  const prevHash = prev?.hash ?? null;
  await tx.auditEntry.create({
    data: {
      ...e,
      data: e.data ?? undefined,
      at,
      prevHash,
      hash: chainHash(prevHash, { ...e, at }),
    },
  });
};

/** Recomputes an entity's chain; returns the id of the first entry that does not verify. */
export const verifyAuditChain = async (db: TTx, entityType: string, entityId: string): Promise<bigint | null> => {
  const rows = await db.auditEntry.findMany({ where: { entityType, entityId }, orderBy: { id: 'asc' } });
  let prev: string | null = null;
  for (const r of rows) {
    const expected = chainHash(prev, { ...r, data: (r.data ?? null) as Prisma.InputJsonValue | null });
    if (r.prevHash !== prev || r.hash !== expected) return r.id;
    prev = r.hash;
  }
  return null;
};
