import { randomUUID } from 'node:crypto';
import { appendAuditSql, draftAudit } from '../audit/index.ts';
import { queryRows, type TDb } from '../db/index.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { AppError } from '../shared/app-error.ts';
import { SUMMARY_COLUMNS, type TCaseSummary } from './case-summary.ts';
import type { TPrincipal } from './principal.ts';
import { actorOf, QUEUE_STATE, queuesOf, type TQueueKind } from './rules.ts';

export type TClaimDeps = { db: TDb; leaseSeconds: number };
export type TClaim = { id: string; expiresAt: Date };
export type TClaimed = TCaseSummary & { queue: TQueueKind; claim: TClaim };

/**
 * Candidates read per queue: concurrent officers skip each other's locked rows among them.
 * Written into the SQL, not a parameter: with `LIMIT $n` the prepared statement's generic
 * plan costs the whole queue and crosses jit_above_cost (measured: 20 ms of JIT compilation
 * per call at 333,333 waiting cases, for a 0.4 ms query).
 */
const CANDIDATES = Prisma.raw('16');
const ATTEMPTS = 4;

type TCandidate = { id: string; version: number; status: string; ord: number; prevHolder: string | null };
type THeld = { id: string; version: number; status: string; claimId: string; live: boolean };

const queueOfState = (status: string): TQueueKind | undefined =>
  (Object.keys(QUEUE_STATE) as TQueueKind[]).find((k) => QUEUE_STATE[k] === status);

/**
 * Eligible cases of one queue for this officer, most urgent first (notice deadline, then
 * age): unclaimed or claim expired, in the officer's scope. Read per agency of the scope
 * (each an ordered scan of case_status_detecting_agency_id_notice_due_at_created_at_idx,
 * where `= ANY(scope)` would sort every waiting case), then merged. Escalated and QA
 * cases exclude the officers who decided them before (four eyes; QA is blind).
 */
const candidatesSql = (p: TPrincipal, kind: TQueueKind, rank: number): Prisma.Sql => Prisma.sql`
  (SELECT c.id, c.version, c.status, ${rank}::int AS rank, c."prevHolder", c.notice_due_at, c.created_at
   FROM unnest(${p.scopeAgencyIds}::uuid[]) AS a(id) CROSS JOIN LATERAL (
     SELECT c.id::text AS id, c.claim_version AS version, c.status::text AS status, c.claimed_by::text AS "prevHolder", c.notice_due_at, c.created_at
     FROM "case" c
     WHERE c.status = ${QUEUE_STATE[kind]}::"CaseStatus" AND c.detecting_agency_id = a.id
       AND (c.claim_expires_at IS NULL OR c.claim_expires_at < now())
       ${kind === 'REVIEW' ? Prisma.empty : Prisma.sql`AND NOT EXISTS (SELECT 1 FROM review_decision d WHERE d.case_id = c.id AND d.officer_id = ${p.officerId}::uuid)`}
     ORDER BY c.notice_due_at, c.created_at LIMIT ${CANDIDATES}) c
   ORDER BY c.notice_due_at, c.created_at LIMIT ${CANDIDATES})`;

/**
 * One read: the officer's held claim, if any (rank -1, whatever its state or expiry), then
 * the candidates of each queue in order.
 */
const readQueues = async (db: TDb, p: TPrincipal, kinds: readonly TQueueKind[]): Promise<{ held?: THeld; cands: TCandidate[] }> => {
  const held = Prisma.sql`(SELECT c.id::text AS id, c.claim_version AS version, c.status::text AS status, -1 AS rank, NULL AS "prevHolder",
    c.notice_due_at, c.created_at, c.claim_id::text AS "claimId", coalesce(c.claim_expires_at > now(), false) AS live
    FROM "case" c WHERE c.claimed_by = ${p.officerId}::uuid)`;
  const parts = kinds.map((k, i) => Prisma.sql`(SELECT *, NULL AS "claimId", NULL::boolean AS live FROM ${candidatesSql(p, k, i)} q)`);
  const rows = await queryRows<TCandidate & THeld & { rank: number }>(
    db,
    Prisma.sql`SELECT id, version, status, rank, "prevHolder", "claimId", live FROM (${Prisma.join([held, ...parts], ' UNION ALL ')}) x
      ORDER BY rank, notice_due_at, created_at`,
  );
  const first = rows[0];
  const cands = rows.filter((r) => r.rank >= 0).map(({ id, version, status, prevHolder }, ord) => ({ id, version, status, prevHolder, ord }));
  return { held: first && first.rank < 0 ? first : undefined, cands };
};

const summaryOf = async (db: TDb, caseId: string): Promise<TCaseSummary & { claimExpiresAt: Date }> =>
  (
    await queryRows<TCaseSummary & { claimExpiresAt: Date }>(
      db,
      Prisma.sql`SELECT ${SUMMARY_COLUMNS}, c.claim_expires_at AS "claimExpiresAt" FROM "case" c JOIN site s ON s.id = c.site_id WHERE c.id = ${caseId}::uuid`,
    )
  )[0]!;

/**
 * The one statement that claims: of the candidates, the first still in the state and
 * claim version read (so any claim, renewal, release or decision since makes it skip the
 * case) and not locked by another claim statement (SKIP LOCKED) is claimed, with its audit
 * entry. Two officers are never handed one case: the row lock serialises them and the
 * version check is re-evaluated on the locked row. `claimed_by` is unique: an officer
 * claiming twice at once gets a unique violation on the second.
 */
const claimSql = (p: TPrincipal, cands: readonly TCandidate[], claimId: string, leaseSeconds: number): Prisma.Sql => {
  const at = new Date();
  const drafts = cands.map((c) =>
    draftAudit(
      {
        actor: actorOf(p),
        entityType: 'case',
        entityId: c.id,
        action: 'review.claim',
        data: { claimId, officerId: p.officerId, leaseSeconds, ...(c.prevHolder ? { expiredClaimOf: c.prevHolder } : {}) },
      },
      at,
    ),
  );
  return Prisma.sql`
    WITH i AS (SELECT * FROM unnest(${cands.map((c) => c.id)}::uuid[], ${cands.map((c) => c.version)}::int[], ${cands.map((c) => c.status)}::text[], ${cands.map((c) => c.ord)}::int[]) AS i(id, version, status, ord)),
    pick AS (
      SELECT c.id FROM "case" c JOIN i ON i.id = c.id
      WHERE c.claim_version = i.version AND c.status::text = i.status
        AND (c.claim_expires_at IS NULL OR c.claim_expires_at < now())
      ORDER BY i.ord LIMIT 1
      FOR UPDATE OF c SKIP LOCKED
    ),
    claimed AS (
      UPDATE "case" c SET claimed_by = ${p.officerId}::uuid, claim_id = ${claimId}::uuid,
        claim_expires_at = now() + make_interval(secs => ${leaseSeconds}::int), claim_version = c.claim_version + 1
      FROM pick WHERE c.id = pick.id
      RETURNING c.*
    ),
    audit AS (${appendAuditSql(drafts, { join: 'claimed' })})
    SELECT ${SUMMARY_COLUMNS}, c.claim_expires_at AS "claimExpiresAt" FROM claimed c JOIN site s ON s.id = c.site_id`;
};

const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || /case_claimed_by_key/.test(e.message ?? '');
};

/**
 * Releases a claim: the holder's own (`review.release`), or one that expired or whose
 * case moved on (`review.claim-expire`). Only the claim named is touched.
 */
const releaseSql = (p: TPrincipal, held: { id: string; claimId: string }, action: string, liveOnly: boolean): Prisma.Sql => {
  const draft = draftAudit({ actor: actorOf(p), entityType: 'case', entityId: held.id, action, data: { claimId: held.claimId, officerId: p.officerId } });
  return Prisma.sql`
    WITH released AS (
      UPDATE "case" c SET claimed_by = NULL, claim_id = NULL, claim_expires_at = NULL, claim_version = c.claim_version + 1
      WHERE c.id = ${held.id}::uuid AND c.claimed_by = ${p.officerId}::uuid AND c.claim_id = ${held.claimId}::uuid
        ${liveOnly ? Prisma.sql`AND c.claim_expires_at > clock_timestamp()` : Prisma.empty}
      RETURNING c.id
    ),
    audit AS (${appendAuditSql([draft], { join: 'released' })})
    SELECT id::text AS id FROM released`;
};

/**
 * Claims the most urgent eligible case for the officer, or answers null when none waits.
 * An officer holds one claim at a time: claiming again while a claim is live answers the
 * held case (its lease unchanged: renewing is its own call), so a page reloaded or a
 * double press never loses or doubles a claim. A held claim that expired or whose case
 * has moved on is released (audited as expired) first.
 */
export const claimNext = async (deps: TClaimDeps, p: TPrincipal, opts: { queue?: TQueueKind } = {}): Promise<TClaimed | null> => {
  const allowed = queuesOf(p);
  if (opts.queue && !allowed.includes(opts.queue)) throw new AppError('NOT_FOUND', `no ${opts.queue} queue for this officer`);
  const kinds = opts.queue ? [opts.queue] : allowed;
  if (kinds.length === 0) return null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { held, cands } = await readQueues(deps.db, p, kinds);
    if (held) {
      const queue = queueOfState(held.status);
      if (held.live && queue) {
        const { claimExpiresAt, ...summary } = await summaryOf(deps.db, held.id);
        return { ...summary, queue, claim: { id: held.claimId, expiresAt: claimExpiresAt } };
      }
      await queryRows(deps.db, releaseSql(p, held, 'review.claim-expire', false));
      // Released: the case may be a candidate again, so read afresh.
      continue;
    }
    if (cands.length === 0) return null;
    const claimId = randomUUID();
    try {
      const [row] = await queryRows<TCaseSummary & { claimExpiresAt: Date }>(deps.db, claimSql(p, cands, claimId, deps.leaseSeconds));
      if (row) {
        const { claimExpiresAt, ...summary } = row;
        return { ...summary, queue: queueOfState(summary.status)!, claim: { id: claimId, expiresAt: claimExpiresAt } };
      }
    } catch (err) {
      // The same officer claimed at the same moment (another tab): the next round answers that claim.
      if (!isUniqueViolation(err)) throw err;
    }
  }
  // Every candidate read was taken by others meanwhile, several times over: the officer asks again.
  throw new AppError('BUSY', 'the review queue is busy, ask again', { retryAfter: 1 });
};

/** 404 when the case is not the officer's to see, else 409 with its state (no live claim of theirs). */
const claimMissing = async (db: TDb, p: TPrincipal, caseId: string): Promise<never> => {
  const [c] = await queryRows<{ status: string }>(
    db,
    Prisma.sql`SELECT status::text AS status FROM "case" WHERE id = ${caseId}::uuid AND detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[])`,
  );
  if (!c) throw new AppError('NOT_FOUND', 'no such case');
  throw new AppError('CONFLICT', 'you hold no live claim on this case', { details: { status: c.status } });
};

/** Extends the officer's live claim on the case by a full lease (audited `review.renew`). */
export const renewClaim = async (deps: TClaimDeps, p: TPrincipal, caseId: string): Promise<TClaim> => {
  const draft = draftAudit({ actor: actorOf(p), entityType: 'case', entityId: caseId, action: 'review.renew', data: { officerId: p.officerId, leaseSeconds: deps.leaseSeconds } });
  const [row] = await queryRows<TClaim>(
    deps.db,
    Prisma.sql`
      WITH renewed AS (
        UPDATE "case" c SET claim_expires_at = now() + make_interval(secs => ${deps.leaseSeconds}::int), claim_version = c.claim_version + 1
        WHERE c.id = ${caseId}::uuid AND c.claimed_by = ${p.officerId}::uuid AND c.claim_expires_at > clock_timestamp()
          AND c.detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[])
        RETURNING c.id, c.claim_id, c.claim_expires_at
      ),
      audit AS (${appendAuditSql([draft], { join: 'renewed' })})
      SELECT claim_id::text AS id, claim_expires_at AS "expiresAt" FROM renewed`,
  );
  return row ?? claimMissing(deps.db, p, caseId);
};

/** Gives the officer's live claim on the case back to the queue (audited `review.release`). */
export const releaseClaim = async (deps: TClaimDeps, p: TPrincipal, caseId: string): Promise<void> => {
  const [held] = await queryRows<{ claimId: string }>(
    deps.db,
    Prisma.sql`SELECT claim_id::text AS "claimId" FROM "case" WHERE id = ${caseId}::uuid AND claimed_by = ${p.officerId}::uuid
      AND detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[])`,
  );
  const released = held && (await queryRows(deps.db, releaseSql(p, { id: caseId, claimId: held.claimId }, 'review.release', true)));
  if (!released?.length) await claimMissing(deps.db, p, caseId);
};

const EXPIRE_BATCH = 1_000;

/**
 * Releases claims whose lease ran out and that nobody took over, each audited
 * `review.claim-expire` (actor `system:review`): so every expiry is in the case's history,
 * not only those a later claim notices. A claim renewed, released, taken over or decided
 * meanwhile has another version and is left alone. Returns how many were released.
 */
export const expireClaims = async (db: TDb): Promise<number> => {
  let released = 0;
  for (;;) {
    const stale = await queryRows<{ id: string; version: number; claimId: string; officerId: string }>(
      db,
      Prisma.sql`SELECT id::text, claim_version AS version, claim_id::text AS "claimId", claimed_by::text AS "officerId" FROM "case"
        WHERE claimed_by IS NOT NULL AND claim_expires_at < now() LIMIT ${Prisma.raw(String(EXPIRE_BATCH))}`,
    );
    if (stale.length === 0) return released;
    const at = new Date();
    const drafts = stale.map((s) =>
      draftAudit({ actor: 'system:review', entityType: 'case', entityId: s.id, action: 'review.claim-expire', data: { claimId: s.claimId, officerId: s.officerId } }, at),
    );
    const rows = await queryRows(
      db,
      Prisma.sql`
        WITH i AS (SELECT * FROM unnest(${stale.map((s) => s.id)}::uuid[], ${stale.map((s) => s.version)}::int[]) AS i(id, version)),
        released AS (
          UPDATE "case" c SET claimed_by = NULL, claim_id = NULL, claim_expires_at = NULL, claim_version = c.claim_version + 1
          FROM i WHERE c.id = i.id AND c.claim_version = i.version AND c.claim_expires_at < now()
          RETURNING c.id
        ),
        audit AS (${appendAuditSql(drafts, { join: 'released' })})
        SELECT id FROM released`,
    );
    released += rows.length;
    if (stale.length < EXPIRE_BATCH) return released;
  }
};
