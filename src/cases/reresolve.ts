import type { TDb } from '../db/index.ts';
import { moveEntities, type TSetColumn } from '../workflow/index.ts';
import { FINE_FIELDS_CLEARED } from './assess-case.ts';
import { CASE_MACHINE } from './case-machine.ts';
import { CLAIM_RELEASED } from './claim-columns.ts';
import { FLAGS } from './flags.ts';

/**
 * Flags a new look-up may lift: the owner look-up's, and the fine stage's routing flags
 * (after an owner's address is corrected in the registry, or a site's unit set).
 */
export const RERESOLVABLE_FLAGS = [
  FLAGS.UNREGISTERED_PLATE,
  FLAGS.CLASS_MISMATCH,
  FLAGS.OWNER_ADDRESS_UNMATCHED,
  FLAGS.SITE_PROVINCE_UNMATCHED,
] as const;
export type TReresolvableFlag = (typeof RERESOLVABLE_FLAGS)[number];

/** What the owner and fine stages wrote, cleared so they write it afresh. */
const LOOKUP_FLAGS = [FLAGS.UNREGISTERED_PLATE, FLAGS.CLASS_MISMATCH, FLAGS.NO_RULE, FLAGS.OWNER_ADDRESS_UNMATCHED, FLAGS.SITE_PROVINCE_UNMATCHED];

/**
 * The columns a case sent back to the owner look-up gets (an operator's re-resolve, an
 * officer's plate correction): the look-up's and fine stage's flags (and `extraFlags`),
 * owner, fine and handling unit cleared so the stages write them afresh; the review claim released.
 */
export const lookupReset = (extraFlags: readonly string[] = []): Record<string, TSetColumn<unknown>> => ({
  flags: ['text', () => [...LOOKUP_FLAGS, ...extraFlags].join(','), `ARRAY(SELECT f FROM unnest(t.flags) AS f WHERE f <> ALL (string_to_array(i.flags, ',')))`],
  owner_id: ['uuid', () => null],
  registry_snapshot: ['jsonb', () => null],
  ...FINE_FIELDS_CLEARED,
  ...CLAIM_RELEASED,
});
const LOOKUP_RESET = lookupReset();
const CHUNK = 1_000;

/**
 * Sends cases waiting for review with `flag` back to the owner look-up (PENDING_REVIEW →
 * DETECTED, audited with the operator's name): after a registry import, a plate that was
 * unregistered may now have its owner. Their owner, fine and handling unit are cleared
 * and the owner and fine stages run again. Returns how many cases went back.
 */
export const reresolveCases = async (db: TDb, opts: { flag: TReresolvableFlag; since?: Date; actor: string; reason: string }): Promise<number> => {
  let moved = 0;
  for (let after = ''; ; ) {
    const batch = await db.case.findMany({
      where: { status: 'PENDING_REVIEW', flags: { has: opts.flag }, id: { gt: after || undefined }, ...(opts.since ? { firstCapturedAt: { gte: opts.since } } : {}) },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: CHUNK,
    });
    if (batch.length === 0) return moved;
    after = batch.at(-1)!.id;
    const ids = await moveEntities(db, CASE_MACHINE, {
      path: ['PENDING_REVIEW', 'DETECTED'],
      rows: batch,
      id: (c) => c.id,
      actor: opts.actor,
      why: () => ({ reason: opts.reason, data: { flag: opts.flag } }),
      set: LOOKUP_RESET,
    });
    moved += ids.size;
  }
};
