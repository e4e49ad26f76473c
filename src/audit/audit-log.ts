import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';
import { canonicalJson } from '../shared/canonical-json.ts';

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

/** An entry ready to append: its time is fixed and its content hashed here, its place in the chain by the statement. */
export type TAuditDraft = TAuditInput & { at: Date; contentHash: string };

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
 * chain. The writer computes the same in SQL (audit-sql.ts), so one statement can
 * append to many chains.
 */
export const chainHash = (prevHash: string | null, e: TAuditInput & { at: Date }): string =>
  createHash('sha256').update(`${prevHash ?? ''}|${contentHash(e)}`).digest('hex');

export const draftAudit = (e: TAuditInput, at = new Date()): TAuditDraft => ({ ...e, at, contentHash: contentHash({ ...e, at }) });
