import type { Prisma } from '../generated/prisma/client.ts';
import { chainHash } from './audit-log.ts';

/** An audit entry as stored, with its place in its chain. */
export type TStoredEntry = {
  id: bigint;
  at: Date;
  actor: string;
  entityType: string;
  entityId: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  data: Prisma.JsonValue | null;
  prevHash: string | null;
  hash: string;
};

/** The first entry of a chain that does not verify, and why. */
export type TChainBreak = { id: bigint; entityType: string; entityId: string; action: string; problem: string };

/**
 * Why `e` does not follow `prevHash`, the stored hash of the entry before it in its chain
 * (null when `e` is the first one found), or null when it does. A removed newest entry
 * leaves a shorter chain that still verifies: only a checkpoint shows that one.
 */
export const linkProblem = (prevHash: string | null, e: TStoredEntry): string | null => {
  // Stored jsonb reads back as the JSON that was written, so it hashes as it did then.
  if (e.hash !== chainHash(e.prevHash, { ...e, data: e.data as Prisma.InputJsonValue | null })) {
    return 'its hash does not match its content: the entry was edited';
  }
  if (e.prevHash === prevHash) return null;
  if (prevHash === null) return 'it names a previous entry that is not there: earlier entries were removed';
  return "its prev_hash is not the hash of the entry before it: an entry between them was removed or inserted";
};

/**
 * Verifies chains from entries read in chain order (by entity, then id), a page at a
 * time: keeps only the current chain's last hash, so memory does not grow with the log.
 * Records the first break of each broken chain (the first `keep` of them) and counts.
 */
export class ChainChecker {
  entries = 0;
  chains = 0;
  brokenChains = 0;
  readonly breaks: TChainBreak[] = [];
  private current: { type: string; id: string; lastHash: string | null; broken: boolean } | undefined;

  constructor(private readonly keep = 20) {}

  add(e: TStoredEntry): void {
    this.entries++;
    if (this.current?.type !== e.entityType || this.current.id !== e.entityId) {
      this.current = { type: e.entityType, id: e.entityId, lastHash: null, broken: false };
      this.chains++;
    }
    const chain = this.current;
    if (chain.broken) return;
    const problem = linkProblem(chain.lastHash, e);
    if (problem === null) {
      chain.lastHash = e.hash;
      return;
    }
    chain.broken = true;
    this.brokenChains++;
    if (this.breaks.length < this.keep) this.breaks.push({ id: e.id, entityType: e.entityType, entityId: e.entityId, action: e.action, problem });
  }
}
