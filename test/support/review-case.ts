import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../src/audit/index.ts';
import type { TDb } from '../../src/db/index.ts';
import { ContentStore } from '../../src/storage/index.ts';
import { samplePng } from '../../scripts/sample-images.ts';

export type TReviewCase = { caseId: string; eventIds: string[]; evidence: { id: string; sha256: string; bytes: Buffer }[] };

/**
 * A case waiting for review as the pipeline leaves it (two captures with evidence, the
 * registry snapshot, a rule, deadlines, audit entries), written directly: the tests of
 * the case page are about reading it, not about the stages that make it.
 */
export const seedReviewCase = async (
  db: TDb,
  store: ContentStore,
  opts: { agencyId: string | null; plate?: string; siteCode?: string; flags?: string[]; registryClass?: string; noticeDueAt?: Date; images?: Buffer[] },
): Promise<TReviewCase> => {
  const plate = opts.plate ?? '51F12345';
  const site = await db.site.findUniqueOrThrow({ where: { code: opts.siteCode ?? 'SITE-1' } });
  const camera = await db.camera.findFirstOrThrow({ where: { siteId: site.id }, include: { agency: true } });
  // The case's detecting agency is a row of its own (tests pick its id to test scope).
  if (opts.agencyId) {
    await db.agency.upsert({ where: { id: opts.agencyId }, create: { id: opts.agencyId, code: `TEST-${opts.agencyId.slice(0, 8)}`, name: 'Đơn vị thử nghiệm', provinceCode: '79' }, update: {} });
  }
  const rule = await db.fineRule.create({
    data: {
      code: `TEST-6.9.b:${randomUUID().slice(0, 8)}`,
      version: 1,
      violation: 'RED_LIGHT',
      vehicleClasses: ['CAR'],
      conditions: {},
      fineMin: 18_000_000,
      fineMax: 20_000_000,
      points: 4,
      decree: '168/2024/NĐ-CP',
      article: 6,
      clause: 9,
      point: 'b',
      communeCompetent: false,
      effectiveFrom: new Date('2025-01-01'),
      source: 'test fixture',
    },
  });
  const captured = new Date(Date.now() - 2 * 86400_000);
  const images = opts.images ?? [samplePng(320, 180, 7), samplePng(320, 180, 8), samplePng(160, 90, 9)];
  const c = await db.case.create({
    data: {
      plate,
      plateRaw: '51F-123.45',
      plateFormat: 'CAR_5_DIGITS',
      plateColor: 'WHITE',
      violation: 'RED_LIGHT',
      vehicleClass: 'CAR',
      siteId: site.id,
      status: 'PENDING_REVIEW',
      flags: opts.flags ?? ['CLASS_MISMATCH'],
      firstCapturedAt: captured,
      lastCapturedAt: new Date(captured.getTime() + 4000),
      eventCount: 2,
      detectingUnit: camera.agency.name,
      detectingAgencyId: opts.agencyId,
      registrySnapshot: {
        plate,
        plateColor: 'WHITE',
        vehicleClass: opts.registryClass ?? 'TRUCK',
        make: 'Hyundai',
        model: 'Porter H150',
        color: 'Xanh',
        validFrom: '2020-03-01T00:00:00.000Z',
        validTo: null,
        owner: { ownerType: 'PERSON', name: 'Trần Thị Bình', idNumber: '079123456789', address: '12 Lê Lợi, Phường Bến Thành', province: 'TP. Hồ Chí Minh' },
      },
      fineRuleId: rule.id,
      fineRuleVersion: 1,
      fineMin: rule.fineMin,
      fineMax: rule.fineMax,
      fineAmount: 19_000_000,
      points: 4,
      legalBasis: 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
      handlingUnitKind: 'PROVINCIAL_TRAFFIC_POLICE',
      handlingUnit: 'Phòng Cảnh sát giao thông Công an TP. Hồ Chí Minh',
      noticeDueAt: opts.noticeDueAt ?? new Date(Date.now() + 5 * 86400_000),
      limitationEndsAt: new Date(captured.getTime() + 365 * 86400_000),
    },
  });
  const evidence: TReviewCase['evidence'] = [];
  const eventIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const ev = await db.cameraEvent.create({
      data: {
        cameraId: camera.id,
        deviceEventId: `dev-${randomUUID()}`,
        payloadSha256: randomUUID().replaceAll('-', ''),
        capturedAt: new Date(captured.getTime() + i * 4000),
        violation: 'RED_LIGHT',
        vehicleClass: 'CAR',
        plateRaw: i === 0 ? '51F-123.45' : '51F-12345',
        plate,
        plateFormat: 'CAR_5_DIGITS',
        plateConfidence: i === 0 ? 0.97 : 0.88,
        plateColor: 'WHITE',
        lane: '2',
        signalPhase: 'RED',
        locationDescription: 'Ngã tư Hàng Xanh, hướng Điện Biên Phủ',
        siteId: site.id,
        detectingUnit: camera.agency.name,
        status: i === 0 ? 'OPENED_CASE' : 'MERGED',
        caseId: c.id,
      },
    });
    eventIds.push(ev.id);
    const mine = i === 0 ? images.slice(0, images.length - 1) : images.slice(images.length - 1);
    for (const [position, bytes] of mine.entries()) {
      const sha256 = await store.put(bytes);
      const row = await db.evidence.create({ data: { eventId: ev.id, position, kind: 'image', contentType: 'image/png', sha256, sizeBytes: bytes.length } });
      evidence.push({ id: row.id, sha256, bytes });
    }
  }
  await appendAudit(db, { actor: 'system:dedup', entityType: 'case', entityId: c.id, action: 'open', toState: 'DETECTED', reason: 'opened from a camera event' });
  await appendAudit(db, { actor: 'system:fine', entityType: 'case', entityId: c.id, action: 'assess', fromState: 'FINE_ASSESSED', toState: 'PENDING_REVIEW' });
  return { caseId: c.id, eventIds, evidence };
};
