import { createHash, createHmac, timingSafeEqual, type Hash } from 'node:crypto';

/** What a checkpoint states and signs: entries with afterId < id <= lastId, how many, and their digest. */
export type TCheckpointFields = { seq: number; createdAt: Date; afterId: bigint; lastId: bigint; entries: number; digest: string };
export type TCheckpoint = TCheckpointFields & { mac: string };

/**
 * The running digest of the log: digest_k = sha256(digest_{k-1} || h_1 || … || h_n), the
 * previous checkpoint's digest (hex; nothing before the first) followed by the hashes
 * (hex) of the entries it covers in id order. Hashes have a fixed length, so no separator
 * is needed, and the result does not depend on how the entries were paged in. Each
 * checkpoint thus fixes every entry ever checkpointed, in O(its own entries).
 */
export class RangeDigest {
  entries = 0;
  private readonly hash: Hash;

  constructor(prevDigest: string | null) {
    this.hash = createHash('sha256').update(prevDigest ?? '');
  }

  /** The next `count` entries' hashes, concatenated in id order. */
  add(hashes: string, count: number): void {
    this.hash.update(hashes);
    this.entries += count;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

// Versioned, so a later format can never be mistaken for this one under the same key.
const macInput = (c: TCheckpointFields): string =>
  ['pn-audit-checkpoint-v1', c.seq, c.afterId, c.lastId, c.entries, c.digest, c.createdAt.toISOString()].join('|');

/** HMAC-SHA256 (hex) over every field: only the key's holder can write a checkpoint that verifies. */
export const checkpointMac = (key: Buffer, c: TCheckpointFields): string => createHmac('sha256', key).update(macInput(c)).digest('hex');

const macMatches = (key: Buffer, c: TCheckpoint): boolean => {
  const expected = Buffer.from(checkpointMac(key, c), 'hex');
  const stated = Buffer.from(c.mac, 'hex');
  return stated.length === expected.length && timingSafeEqual(stated, expected);
};

/**
 * What is wrong with `cp` as the checkpoint after `prev` (null: it should be the first),
 * judged without the entries: its number, its range and its MAC. Null when all hold.
 * A removed or renumbered checkpoint shows as a gap or a range that does not join.
 */
export const checkpointProblem = (key: Buffer, prev: TCheckpoint | null, cp: TCheckpoint): string | null => {
  const seq = (prev?.seq ?? 0) + 1;
  if (cp.seq !== seq) return seq === cp.seq - 1 ? `checkpoint #${seq} is missing` : `checkpoints #${seq}–#${cp.seq - 1} are missing`;
  const from = prev?.lastId ?? 0n;
  if (cp.afterId !== from) return `it covers entries after ${cp.afterId}, but the checkpoint before it ends at entry ${from}`;
  if (cp.lastId <= cp.afterId) return `its range (${cp.afterId}, ${cp.lastId}] is empty`;
  if (!macMatches(key, cp)) return 'its MAC does not verify: it was written or changed without the key';
  return null;
};

/** What is wrong with `cp` given the count and digest recomputed from the entries in its range, or null. */
export const digestProblem = (cp: TCheckpoint, recomputed: { entries: number; digest: string }): string | null => {
  if (recomputed.entries !== cp.entries) {
    return `it counts ${cp.entries} entries in (${cp.afterId}, ${cp.lastId}], the log holds ${recomputed.entries}: entries were removed or inserted`;
  }
  if (recomputed.digest !== cp.digest) return `its digest does not match the entries in (${cp.afterId}, ${cp.lastId}]: entries were edited or replaced`;
  return null;
};
