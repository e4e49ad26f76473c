import type { TTx } from '../db/index.ts';
import { chainPages, digestRange, readCheckpoints, type TEntityRef } from './audit-reads.ts';
import { ChainChecker, type TChainBreak } from './chain-check.ts';
import { checkpointProblem, digestProblem, type TCheckpoint } from './checkpoint-digest.ts';

export type TVerifyOptions = {
  /** AUDIT_CHECKPOINT_KEY. */
  key: Buffer;
  /** Entries older than this and still after the last checkpoint mean checkpoints stopped, or the newest were removed. */
  staleMs: number;
  /** Only this entity's chain, and the checkpoints that cover its entries. */
  entity?: TEntityRef;
};

export type TCheckpointFailure = { seq: number; problem: string };

export type TAuditReport = {
  entity: TEntityRef | undefined;
  entries: number;
  chains: number;
  brokenChains: number;
  /** The first broken entry of each broken chain (the first 20 chains). */
  breaks: TChainBreak[];
  checkpoints: {
    total: number;
    /** Checkpoints that verified, in order, before the first that did not (or all). */
    verified: number;
    /** The seqs whose digest was recomputed from the entries (all in a full run). */
    recomputed: number[];
    /** The last entry covered by the verified checkpoints. */
    upToId: bigint;
    /** The newest checkpoint as stored: compare its digest with the log's copy. */
    latest: TCheckpoint | undefined;
    failure: TCheckpointFailure | undefined;
  };
  /** Entries read that no checkpoint covers yet (verified by their chain only); `stale` of them older than `staleMs`. */
  uncovered: { entries: number; stale: number };
  ok: boolean;
};

/**
 * Checks the checkpoints in order: number, range and MAC of every one (cheap), and the
 * digest of those `recompute` picks, from the entries in its range. Stops at the first
 * that fails: every later digest builds on it.
 */
const verifyCheckpoints = async (db: TTx, key: Buffer, all: TCheckpoint[], recompute: (cp: TCheckpoint) => boolean) => {
  let prev: TCheckpoint | null = null;
  const recomputed: number[] = [];
  for (const cp of all) {
    let problem = checkpointProblem(key, prev, cp);
    if (problem === null && recompute(cp)) {
      recomputed.push(cp.seq);
      problem = digestProblem(cp, await digestRange(db, prev?.digest ?? null, cp.afterId, cp.lastId));
    }
    if (problem !== null) return { verified: prev?.seq ?? 0, upToId: prev?.lastId ?? 0n, recomputed, failure: { seq: cp.seq, problem } };
    prev = cp;
  }
  return { verified: all.length, upToId: prev?.lastId ?? 0n, recomputed, failure: undefined };
};

/**
 * Verifies the audit log: (1) every chain link by link (the first broken entry of each
 * chain), (2) the checkpoints: sequence, MAC, and each digest recomputed from the entries
 * in its range, which catches what chains cannot (a removed newest entry, a removed
 * chain, a chain rewritten and rehashed to its end). With `entity`, only that chain, and
 * only the checkpoints holding its entries are recomputed (each costs its own range).
 */
export const verifyAudit = async (db: TTx, opts: TVerifyOptions): Promise<TAuditReport> => {
  const checkpoints = await readCheckpoints(db);
  const coveredUpTo = checkpoints.at(-1)?.lastId ?? 0n;
  const staleBefore = Date.now() - opts.staleMs;
  const chains = new ChainChecker();
  const uncovered = { entries: 0, stale: 0 };
  const ids: bigint[] = [];
  for await (const page of chainPages(db, opts.entity)) {
    for (const e of page) {
      chains.add(e);
      if (opts.entity) ids.push(e.id);
      if (e.id > coveredUpTo) {
        uncovered.entries++;
        if (e.at.getTime() < staleBefore) uncovered.stale++;
      }
    }
  }
  const recompute = opts.entity ? (cp: TCheckpoint) => ids.some((id) => id > cp.afterId && id <= cp.lastId) : () => true;
  const cps = await verifyCheckpoints(db, opts.key, checkpoints, recompute);
  return {
    entity: opts.entity,
    entries: chains.entries,
    chains: chains.chains,
    brokenChains: chains.brokenChains,
    breaks: chains.breaks,
    checkpoints: { total: checkpoints.length, latest: checkpoints.at(-1), ...cps },
    uncovered,
    ok: chains.brokenChains === 0 && cps.failure === undefined,
  };
};

/** Recomputes one entity's chain; returns the id of its first entry that does not verify. */
export const verifyAuditChain = async (db: TTx, entityType: string, entityId: string): Promise<bigint | null> => {
  const chain = new ChainChecker(1);
  for await (const page of chainPages(db, { type: entityType, id: entityId })) for (const e of page) chain.add(e);
  return chain.breaks[0]?.id ?? null;
};
