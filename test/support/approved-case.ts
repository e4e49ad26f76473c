import { randomUUID } from 'node:crypto';
import type { TDb } from '../../src/db/index.ts';
import type { ContentStore } from '../../src/storage/index.ts';
import { seedReviewCase, type TReviewCase } from './review-case.ts';

export type TApprovedCaseOptions = {
  /** The detecting (issuing) agency; made if missing, with an address and phone. */
  agencyId?: string;
  agencyCode?: string;
  noticeNumberPattern?: string | null;
  owner?: Partial<{ ownerType: 'PERSON' | 'ORGANISATION'; name: string; idNumber: string; address: string; email: string | null; phone: string | null }>;
  plate?: string;
  images?: Buffer[];
  approvedAmount?: number;
};

export type TApprovedCase = TReviewCase & { ownerId: string; agencyId: string };

/**
 * A case an officer approved, as the review stage leaves it (owner on record, an amount
 * approved, the handling agency with its address and phone), written directly: notice and
 * delivery tests are about what comes after review.
 */
export const seedApprovedCase = async (db: TDb, evidence: ContentStore, o: TApprovedCaseOptions = {}): Promise<TApprovedCase> => {
  const agencyId = o.agencyId ?? randomUUID();
  await db.agency.upsert({
    where: { id: agencyId },
    create: {
      id: agencyId,
      code: o.agencyCode ?? `PC08-${agencyId.slice(0, 4).toUpperCase()}`,
      name: 'Phòng Cảnh sát giao thông',
      provinceCode: '79',
      address: '459 Trần Hưng Đạo, Phường Cầu Ông Lãnh, TP. Hồ Chí Minh',
      phone: '069 3187 575',
      noticeNumberPattern: o.noticeNumberPattern ?? null,
    },
    update: {},
  });
  const seeded = await seedReviewCase(db, evidence, { agencyId, plate: o.plate, flags: [], images: o.images });
  const idNumber = o.owner?.idNumber ?? `0791${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const owner = await db.owner.create({
    data: {
      ownerType: o.owner?.ownerType ?? 'PERSON',
      name: o.owner?.name ?? 'Trần Thị Bình',
      idNumber,
      address: o.owner?.address ?? '12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh',
      province: 'TP. Hồ Chí Minh',
      provinceCode: '79',
      email: o.owner?.email === undefined ? 'binh.tran@example.vn' : o.owner.email,
      phone: o.owner?.phone === undefined ? '0903123456' : o.owner.phone,
    },
  });
  await db.case.update({
    where: { id: seeded.caseId },
    data: { status: 'APPROVED', ownerId: owner.id, approvedAmount: o.approvedAmount ?? 19_000_000, handlingAgencyId: agencyId },
  });
  return { ...seeded, ownerId: owner.id, agencyId };
};
