import { randomInt, randomUUID } from 'node:crypto';
import { ownerResponseDue, vietnamDate, type WorkCalendar } from '../../src/clock/index.ts';
import type { TDb } from '../../src/db/index.ts';
import type { ContentStore } from '../../src/storage/index.ts';
import { seedApprovedCase, type TApprovedCase } from './approved-case.ts';

export type TNotifiedCase = TApprovedCase & { noticeId: string; sentAt: Date; responseDueAt: Date };

/**
 * A case whose notice was sent (NOTIFIED), as the dispatch stage leaves it: a notice with
 * its number, sentAt and the 20-day response date from the statutory clock. `vehicleClass`
 * is both the one seen and the one registered.
 */
export const seedNotifiedCase = async (
  db: TDb,
  evidence: ContentStore,
  calendar: WorkCalendar,
  o: { agencyId?: string; vehicleClass?: 'CAR' | 'MOTORCYCLE' | 'MOPED' | 'TRUCK'; sentAt?: Date; status?: 'NOTIFIED' | 'NOTICE_ISSUED' } = {},
): Promise<TNotifiedCase> => {
  const c = await seedApprovedCase(db, evidence, { agencyId: o.agencyId, images: [] });
  const sentAt = o.sentAt ?? new Date(Date.now() - 86_400_000);
  const responseDueAt = ownerResponseDue(sentAt, calendar).at;
  const vehicleClass = o.vehicleClass ?? 'CAR';
  const year = Number(vietnamDate(sentAt).slice(0, 4));
  const seq = randomInt(1, 2 ** 30);
  const noticeId = randomUUID();
  await db.notice.create({
    data: {
      id: noticeId,
      caseId: c.caseId,
      agencyId: c.agencyId,
      year,
      seq,
      number: `${String(seq).padStart(6, '0')}/TB-TEST`,
      issuedAt: new Date(sentAt.getTime() - 3_600_000),
      pdfSha256: 'f'.repeat(64),
      ...(o.status === 'NOTICE_ISSUED' ? {} : { sentAt, responseDueAt }),
    },
  });
  const snapshot = (await db.case.findUniqueOrThrow({ where: { id: c.caseId } })).registrySnapshot as Record<string, unknown>;
  await db.case.update({
    where: { id: c.caseId },
    data: { status: o.status ?? 'NOTIFIED', vehicleClass, registrySnapshot: { ...snapshot, vehicleClass } },
  });
  return { ...c, noticeId, sentAt, responseDueAt };
};
