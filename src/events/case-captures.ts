import type { TDb } from '../db/index.ts';

export type TCaptureEvidence = { id: string; position: number; kind: string; contentType: string; sha256: string; sizeBytes: number };

export type TCapture = {
  id: string;
  cameraId: string;
  siteId: string;
  capturedAt: Date;
  receivedAt: Date;
  violation: string;
  vehicleClass: string;
  plateRaw: string;
  plate: string | null;
  plateFormat: string | null;
  plateUncertain: string | null;
  plateConfidence: number;
  plateColor: string;
  speedMeasuredKmh: number | null;
  speedLimitKmh: number | null;
  lane: string | null;
  signalPhase: string | null;
  passengerCount: number | null;
  locationDescription: string | null;
  detectingUnit: string;
  evidence: TCaptureEvidence[];
};

/** Every capture merged into a case, in capture order, with its evidence files in their order. */
export const caseCaptures = async (db: TDb, caseId: string): Promise<TCapture[]> => {
  const rows = await db.cameraEvent.findMany({
    where: { caseId },
    orderBy: [{ capturedAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      cameraId: true,
      siteId: true,
      capturedAt: true,
      receivedAt: true,
      violation: true,
      vehicleClass: true,
      plateRaw: true,
      plate: true,
      plateFormat: true,
      plateUncertain: true,
      plateConfidence: true,
      plateColor: true,
      speedMeasuredKmh: true,
      speedLimitKmh: true,
      lane: true,
      signalPhase: true,
      passengerCount: true,
      locationDescription: true,
      detectingUnit: true,
      evidence: { orderBy: { position: 'asc' }, select: { id: true, position: true, kind: true, contentType: true, sha256: true, sizeBytes: true } },
    },
  });
  return rows;
};

export type TEvidenceFile = { id: string; sha256: string; contentType: string; sizeBytes: number; caseId: string | null };

/** One evidence file and the case its capture belongs to (null: not merged into a case yet). */
export const evidenceFile = async (db: TDb, id: string): Promise<TEvidenceFile | null> => {
  const row = await db.evidence.findUnique({
    where: { id },
    select: { id: true, sha256: true, contentType: true, sizeBytes: true, event: { select: { caseId: true } } },
  });
  return row ? { id: row.id, sha256: row.sha256, contentType: row.contentType, sizeBytes: row.sizeBytes, caseId: row.event.caseId } : null;
};
