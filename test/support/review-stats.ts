import { randomUUID } from 'node:crypto';
import { appendAuditSql, draftAudit } from '../../src/audit/index.ts';
import type { TDb } from '../../src/db/index.ts';
import { Prisma } from '../../src/generated/prisma/client.ts';

/** A capture of `camera` (by code) in the case, as ingest and dedup leave it (only what the figures read matters). */
export const seedCapture = async (db: TDb, caseId: string, camera: string): Promise<void> => {
  await db.$executeRaw`
    INSERT INTO camera_event (id, camera_id, device_event_id, payload_sha256, captured_at, violation, vehicle_class, plate_raw, plate_confidence,
      plate_color, site_id, detecting_unit, status, case_id, updated_at)
    SELECT gen_random_uuid(), k.id, ${randomUUID()}, 'x', now(), 'RED_LIGHT', 'CAR', '51F-1', 0.99, 'WHITE', k.site_id, 'test', 'OPENED_CASE', ${caseId}::uuid, now()
    FROM camera k WHERE k.code = ${camera}`;
};

export type TSeedDecision = { kind: string; to: string; from?: string; reason?: string; at: Date; claimSeconds?: number; qa?: boolean; qaDisagrees?: boolean };

/**
 * A decision as src/review records it, with its claim's `review.claim` audit entry
 * `claimSeconds` before it (none when omitted), written directly: the figures read them.
 */
export const seedDecision = async (db: TDb, caseId: string, officerId: string, d: TSeedDecision): Promise<void> => {
  const claimId = randomUUID();
  if (d.claimSeconds !== undefined) {
    const at = new Date(d.at.getTime() - d.claimSeconds * 1000);
    await db.$executeRaw(
      appendAuditSql([draftAudit({ actor: 'officer:x', entityType: 'case', entityId: caseId, action: 'review.claim', data: { claimId, officerId, leaseSeconds: 600 } }, at)]),
    );
  }
  await db.$executeRaw(Prisma.sql`
    INSERT INTO review_decision (id, case_id, officer_id, kind, from_state, to_state, reason_code, fingerprint, qa, qa_disagrees, claim_id, at)
    VALUES (gen_random_uuid(), ${caseId}::uuid, ${officerId}::uuid, ${d.kind}, ${d.from ?? (d.qa ? 'QA_REVIEW' : 'PENDING_REVIEW')}, ${d.to}, ${d.reason ?? null},
      'f', ${d.qa ?? false}, ${d.qaDisagrees ?? null}::boolean, ${claimId}::uuid, ${d.at})`);
};
