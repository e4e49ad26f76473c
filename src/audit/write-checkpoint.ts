import type { TDb, TDbTimeouts } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import type { TLogger } from '../shared/logger.ts';
import { digestRange } from './audit-reads.ts';
import { checkpointMac, checkpointProblem, type TCheckpoint } from './checkpoint-digest.ts';

export type TCheckpointOptions = {
  /** AUDIT_CHECKPOINT_KEY. */
  key: Buffer;
  /** Only entries whose `at` is older than this are checkpointed (see checkpointMarginMs). */
  marginMs: number;
  /** At most this many entries per checkpoint (default 1,000,000): a first run over a large log takes several runs, each short. */
  maxEntries?: number;
};

/**
 * How old an entry must be before a checkpoint may cover it. An entry takes its id when
 * its statement runs but becomes visible only when its transaction commits, so a
 * checkpoint up to id L must wait until every entry below L has committed or rolled back:
 * a late commit below L would look like an inserted entry. An entry's `at` is fixed just
 * before its statement, which waits at most connectMs for a connection, and its
 * transaction ends at most queryMs later (Prisma's transaction timeout, the client's
 * query timeout; the one longer transaction, a registry import, appends its entry last).
 * An entry below L took its id before L did, so it is settled within
 * connectMs + 2 × queryMs of L's `at`. Twice that, and at least a minute, leaves room for
 * clock skew between the hosts that write `at` and the database whose clock decides.
 * Assumes every process runs with the same DB_*_TIMEOUT_MS settings.
 */
export const checkpointMarginMs = (t: Pick<TDbTimeouts, 'connectMs' | 'queryMs'>): number => Math.max(60_000, 2 * (t.connectMs + 2 * t.queryMs));

/** The fields of a checkpoint as log lines and job results carry them (JSON has no bigint). */
export const checkpointSummary = (cp: TCheckpoint) => ({
  seq: cp.seq,
  afterId: String(cp.afterId),
  lastId: String(cp.lastId),
  entries: cp.entries,
  digest: cp.digest,
  createdAt: cp.createdAt.toISOString(),
});

/**
 * Writes the next checkpoint over the entries since the last one that are older than the
 * margin, or nothing when there are none. Costs O(those entries): the digest continues
 * from the previous checkpoint's. The digest also goes to the log, so a copy lives outside
 * the database (removing the newest checkpoints with the entries after them is caught by
 * comparing with it). Runs outside a transaction, which would time out on a large range;
 * a concurrent run that wrote the same number first wins and this one fails.
 */
export const writeCheckpoint = async (db: TDb, opts: TCheckpointOptions, log: TLogger): Promise<TCheckpoint | null> => {
  const last = await db.auditCheckpoint.findFirst({ orderBy: { seq: 'desc' } });
  // Never sign on top of a checkpoint that does not verify: that would bury the tampering under a valid MAC.
  if (last) {
    const before = last.seq > 1 ? await db.auditCheckpoint.findUnique({ where: { seq: last.seq - 1 } }) : null;
    const problem = last.seq > 1 && !before ? `checkpoint #${last.seq - 1} is missing` : checkpointProblem(opts.key, before, last);
    if (problem) throw new AppError('AUDIT_BROKEN', `audit checkpoint #${last.seq} does not verify: ${problem}; run "audit verify"`);
  }
  const afterId = last?.lastId ?? 0n;
  // Walks the primary key down from the newest entry: reads only the entries newer than the margin.
  const [upTo] = await db.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM audit_entry WHERE id > ${afterId} AND at < now() - ${opts.marginMs}::bigint * interval '1 millisecond'
    ORDER BY id DESC LIMIT 1`;
  if (!upTo) return null;
  const [capped] = await db.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM audit_entry WHERE id > ${afterId} AND id <= ${upTo.id} ORDER BY id OFFSET ${(opts.maxEntries ?? 1_000_000) - 1} LIMIT 1`;
  const lastId = capped?.id ?? upTo.id;
  const { entries, digest } = await digestRange(db, last?.digest ?? null, afterId, lastId);
  const fields = { seq: (last?.seq ?? 0) + 1, createdAt: new Date(), afterId, lastId, entries, digest };
  const cp: TCheckpoint = { ...fields, mac: checkpointMac(opts.key, fields) };
  const written = await db.$queryRaw<{ seq: number }[]>`
    INSERT INTO audit_checkpoint (seq, created_at, after_id, last_id, entries, digest, mac)
    VALUES (${cp.seq}, ${cp.createdAt.toISOString()}::timestamptz, ${cp.afterId}, ${cp.lastId}, ${cp.entries}, ${cp.digest}, ${cp.mac})
    ON CONFLICT (seq) DO NOTHING RETURNING seq`;
  if (written.length === 0) throw new AppError('CONFLICT', `audit checkpoint #${cp.seq} was written by another run meanwhile`);
  log.info({ checkpoint: checkpointSummary(cp) }, 'audit checkpoint');
  return cp;
};
