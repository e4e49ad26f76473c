import { Prisma } from '../generated/prisma/client.ts';
import { contentHash, type TAuditInput } from './audit-log.ts';

/** An entry to be appended by SQL: the chain hash is computed in the statement from `prev`. */
export type TAuditDraft = TAuditInput & { at: Date; contentHash: string };

export const draftAudit = (e: TAuditInput, at = new Date()): TAuditDraft => ({ ...e, at, contentHash: contentHash({ ...e, at }) });

/** SQL for chainHash(): `prev` is the previous hash (or NULL), `content` the entry's content hash. */
export const chainHashSql = (prev: Prisma.Sql, content: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`encode(sha256(convert_to(coalesce(${prev}, '') || '|' || ${content}, 'UTF8')), 'hex')`;

/**
 * An `INSERT INTO audit_entry … RETURNING entity_id, hash` that appends each draft whose
 * entity appears in the CTE `joinCte` (a column `id`). Each draft continues its entity's
 * chain: from the newest stored entry, or, with `prevCte`, from the hash that CTE
 * returned for the entity (for a second transition in the same statement).
 */
export const appendAuditSql = (drafts: TAuditDraft[], joinCte: string, prevCte?: string): Prisma.Sql => {
  const prev = prevCte
    ? Prisma.sql`LEFT JOIN ${Prisma.raw(prevCte)} prev ON prev.entity_id = a.entity_id`
    : Prisma.sql`LEFT JOIN LATERAL (SELECT p.hash FROM audit_entry p WHERE p.entity_type = a.entity_type AND p.entity_id = a.entity_id
        ORDER BY p.id DESC LIMIT 1) prev ON true`;
  return Prisma.sql`
    INSERT INTO audit_entry (at, actor, entity_type, entity_id, action, from_state, to_state, reason, data, prev_hash, hash)
    SELECT a.at, a.actor, a.entity_type, a.entity_id, a.action, a.from_state, a.to_state, a.reason, a.data, prev.hash,
      ${chainHashSql(Prisma.sql`prev.hash`, Prisma.sql`a.content_hash`)}
    FROM unnest(${drafts.map((d) => d.at.toISOString())}::timestamptz[], ${drafts.map((d) => d.actor)}::text[],
      ${drafts.map((d) => d.entityType)}::text[], ${drafts.map((d) => d.entityId)}::text[], ${drafts.map((d) => d.action)}::text[],
      ${drafts.map((d) => d.fromState ?? null)}::text[], ${drafts.map((d) => d.toState ?? null)}::text[],
      ${drafts.map((d) => d.reason ?? null)}::text[], ${drafts.map((d) => JSON.stringify(d.data ?? null))}::jsonb[],
      ${drafts.map((d) => d.contentHash)}::text[])
      AS a(at, actor, entity_type, entity_id, action, from_state, to_state, reason, data, content_hash)
    JOIN ${Prisma.raw(joinCte)} j ON j.id::text = a.entity_id
    ${prev}
    RETURNING entity_id, hash`;
};
