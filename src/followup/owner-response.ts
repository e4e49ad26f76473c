import { z } from 'zod';
import { officerActor, type TPrincipal } from '../accounts/index.ts';
import { CASE_MACHINE, RESPONDING } from '../cases/index.ts';
import type { TDb } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import { moveEntities } from '../workflow/index.ts';
import { liftEscalations, type TLiftReport } from './lift-escalations.ts';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

/** The owner's response as an officer records it (`POST /v1/cases/:id/response`, the case page's form). */
export const ZOwnerResponse = z
  .strictObject({
    kind: z.enum(['CAME_IN_PERSON', 'DRIVER_IDENTIFIED']),
    driverName: optionalText(200),
    /** The driver's citizen id (CCCD, 12 digits) or the number of another identity paper. */
    driverIdNumber: optionalText(40),
    note: optionalText(1000),
    /** When the owner came in or answered; defaults to now. */
    respondedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((r) => r.kind !== 'DRIVER_IDENTIFIED' || !!r.driverName, { path: ['driverName'], message: 'name the driver the owner identified' });
/** A response as ZOwnerResponse leaves it (callers in-process may leave out what is absent). */
export type TOwnerResponseInput = { kind: z.infer<typeof ZOwnerResponse>['kind']; driverName?: string; driverIdNumber?: string; note?: string; respondedAt?: string };

/** A clock difference between the officer's machine and the server that is still "now". */
const SKEW_MS = 5 * 60_000;

export type TRecordedResponse = { responseId: string; status: 'RESPONDED'; from: string } & TLiftReport;

/**
 * Records the owner's response to the notice (Decree 135/2021 Art 15; Decree 168/2024
 * Art 47.8.b): an OwnerResponse row, the case moved to RESPONDED (the 20-day clock stops)
 * and its escalations lifted, in one transaction, audited as the officer. The case must
 * be the officer's to see (else 404, as in src/review) and have its notice issued and
 * not resolved (else 409 with its state).
 */
export const recordOwnerResponse = async (
  db: TDb,
  p: TPrincipal,
  caseId: string,
  input: TOwnerResponseInput,
  now: Date = new Date(),
): Promise<TRecordedResponse> => {
  const respondedAt = input.respondedAt ? new Date(input.respondedAt) : now;
  if (respondedAt.getTime() > now.getTime() + SKEW_MS) throw new AppError('VALIDATION_FAILED', 'respondedAt lies in the future');
  const actor = officerActor(p);
  return db.$transaction(async (tx) => {
    const [c] = await tx.$queryRaw<{ status: string; firstCapturedAt: Date }[]>`
      SELECT status::text AS status, first_captured_at AS "firstCapturedAt" FROM "case"
      WHERE id = ${caseId}::uuid AND detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[]) FOR UPDATE`;
    if (!c) throw new AppError('NOT_FOUND', 'no such case');
    const from = RESPONDING.find((s) => s === c.status);
    if (!from) throw new AppError('CONFLICT', `a response is recorded only on a case whose notice was issued and that is not resolved; this one is ${c.status}`, { details: { status: c.status } });
    if (respondedAt < c.firstCapturedAt) throw new AppError('VALIDATION_FAILED', 'respondedAt lies before the capture');
    const response = await tx.ownerResponse.create({
      data: {
        caseId,
        kind: input.kind,
        driverName: input.driverName ?? null,
        driverIdNumber: input.driverIdNumber ?? null,
        note: input.note ?? null,
        officerId: p.officerId,
        respondedAt,
      },
      select: { id: true },
    });
    await moveEntities(tx, CASE_MACHINE, {
      path: [from, 'RESPONDED'],
      rows: [caseId],
      id: (x) => x,
      actor,
      why: () => ({
        reason: input.kind === 'DRIVER_IDENTIFIED' ? 'the owner identified the driver' : 'the owner came in person',
        data: { responseId: response.id, kind: input.kind, respondedAt: respondedAt.toISOString(), officerId: p.officerId },
      }),
    });
    const lifted = await liftEscalations(tx, [caseId], { actor, cause: 'RESPONDED' });
    return { responseId: response.id, status: 'RESPONDED', from, ...lifted };
  });
};

export type TFollowupView = {
  responses: { id: string; kind: string; driverName: string | null; driverIdNumber: string | null; note: string | null; respondedAt: Date; officer: string }[];
  escalations: { id: string; target: string; status: string; attempts: number; sentAt: Date | null; liftedAt: Date | null; lastError: string | null }[];
  /** Whether an officer may record a response now. */
  canRespond: boolean;
};

/** What the case page shows of the follow-up: responses recorded and escalations (the caller checked the scope). */
export const followupView = async (db: TDb, caseId: string, status: string): Promise<TFollowupView> => {
  const [responses, escalations] = await Promise.all([
    db.ownerResponse.findMany({ where: { caseId }, orderBy: { respondedAt: 'asc' }, include: { officer: { select: { fullName: true, username: true } } } }),
    db.escalation.findMany({ where: { caseId }, orderBy: { target: 'asc' } }),
  ]);
  return {
    responses: responses.map((r) => ({ id: r.id, kind: r.kind, driverName: r.driverName, driverIdNumber: r.driverIdNumber, note: r.note, respondedAt: r.respondedAt, officer: `${r.officer.fullName} (${r.officer.username})` })),
    escalations: escalations.map((e) => ({ id: e.id, target: e.target, status: e.status, attempts: e.attempts, sentAt: e.sentAt, liftedAt: e.liftedAt, lastError: e.lastError })),
    canRespond: (RESPONDING as readonly string[]).includes(status),
  };
};
