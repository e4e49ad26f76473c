import { Prisma } from '../generated/prisma/client.ts';
import { unnestSql, type TTx } from '../db/index.ts';
import { draftAudit, type TAuditDraft, type TAuditInput } from './audit-log.ts';

/** SQL for chainHash(): `prev` is the previous hash (or NULL), `content` the entry's content hash. */
const chainHashSql = (prev: Prisma.Sql, content: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`encode(sha256(convert_to(coalesce(${prev}, '') || '|' || ${content}, 'UTF8')), 'hex')`;

export type TAppendOptions = {
  /** Append only the drafts whose entity id is in this CTE's `id` column (the rows a statement really moved). */
  join?: string;
  /** Continue each chain from the hash this CTE (an earlier append in the statement) returned for the entity. */
  after?: string;
  /** The entities are created by this statement: their chains start here, no earlier entry to look up. */
  startsChain?: boolean;
};

/**
 * The one writer of `audit_entry`: an `INSERT … RETURNING entity_id, hash` that appends
 * each draft to its entity's hash chain, for use as a CTE of the statement that changes
 * the entities (so the change and its entry commit together) or on its own. Chains are
 * per entity, so unrelated writers never queue on one lock.
 *
 * The chain head is read with the statement's snapshot, so two writers of one entity
 * must not both append: either the entity's row was locked by an earlier statement of
 * the transaction (dedup, appendAudit's chain lock), or the append joins the rows a
 * compare-and-set moved, which only one writer can pass. One draft per entity per call.
 */
export const appendAuditSql = (drafts: readonly TAuditDraft[], opts: TAppendOptions = {}): Prisma.Sql => {
  const prev = opts.after
    ? Prisma.sql`LEFT JOIN ${Prisma.raw(opts.after)} prev ON prev.entity_id = a.entity_id`
    : opts.startsChain
      ? Prisma.sql`LEFT JOIN (SELECT NULL::text AS hash) prev ON true`
      : Prisma.sql`LEFT JOIN LATERAL (SELECT p.hash FROM audit_entry p WHERE p.entity_type = a.entity_type AND p.entity_id = a.entity_id
          ORDER BY p.id DESC LIMIT 1) prev ON true`;
  const join = opts.join ? Prisma.sql`JOIN ${Prisma.raw(opts.join)} j ON j.id::text = a.entity_id` : Prisma.empty;
  return Prisma.sql`
    INSERT INTO audit_entry (at, actor, entity_type, entity_id, action, from_state, to_state, reason, data, prev_hash, hash)
    SELECT a.at, a.actor, a.entity_type, a.entity_id, a.action, a.from_state, a.to_state, a.reason, a.data, prev.hash,
      ${chainHashSql(Prisma.sql`prev.hash`, Prisma.sql`a.content_hash`)}
    FROM ${unnestSql(drafts, {
      at: ['timestamptz', (d) => d.at],
      actor: ['text', (d) => d.actor],
      entity_type: ['text', (d) => d.entityType],
      entity_id: ['text', (d) => d.entityId],
      action: ['text', (d) => d.action],
      from_state: ['text', (d) => d.fromState ?? null],
      to_state: ['text', (d) => d.toState ?? null],
      reason: ['text', (d) => d.reason ?? null],
      data: ['jsonb', (d) => JSON.stringify(d.data ?? null)],
      content_hash: ['text', (d) => d.contentHash],
    }, 'a')}
    ${join}
    ${prev}
    RETURNING entity_id, hash`;
};

/**
 * Appends one entry on its own (admin changes made through Prisma), inside the
 * transaction that changes the entity. The chain is locked for the rest of that
 * transaction first, so two writers of one chain (even of an entity without a row to
 * lock, such as a registry import) never fork it.
 */
export const appendAudit = async (tx: TTx, entry: TAuditInput): Promise<void> => {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`audit|${entry.entityType}|${entry.entityId}`}, 0))`;
  await tx.$executeRaw`${appendAuditSql([draftAudit(entry)])}`;
};
