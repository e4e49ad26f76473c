import type { TTx } from '../db/index.ts';
import { chainPages, type TEntityRef } from './audit-reads.ts';

export type THistoryEntry = {
  at: Date;
  actor: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
};

/**
 * One entity's audit entries, oldest first, for people to read (the case page). At most
 * `limit` of them: a case has a handful; the cap keeps a runaway chain from filling a page.
 */
export const entityHistory = async (db: TTx, entity: TEntityRef, limit = 200): Promise<THistoryEntry[]> => {
  const out: THistoryEntry[] = [];
  for await (const page of chainPages(db, entity, limit)) {
    for (const e of page) out.push({ at: e.at, actor: e.actor, action: e.action, fromState: e.fromState, toState: e.toState, reason: e.reason });
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
};
