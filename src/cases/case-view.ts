import { entityHistory, type THistoryEntry } from '../audit/index.ts';
import { describeCameras } from '../cameras/index.ts';
import { daysBetween, vietnamDate } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import { caseCaptures } from '../events/index.ts';
import { rulesByIds, type TRuleFacts } from '../fines/index.ts';
import { caseNoticeRecord } from '../notices/index.ts';
import { AppError } from '../shared/app-error.ts';
import { text } from '../shared/templates.ts';
import { isDueSoon } from './due-soon.ts';

/**
 * Who is asking (src/accounts TPrincipal): the agencies whose cases they may see, and
 * who they are and their roles (a QA second review is blind, see blindFor).
 */
export type TViewer = { scopeAgencyIds: string[]; username?: string; roles?: readonly string[] };
export type TLang = 'vi' | 'en';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether the viewer may see the case: its detecting agency is in their scope. A case of
 * another agency, one without an agency yet and one that does not exist look the same
 * (NOT_FOUND), so an officer cannot learn that another agency's case exists.
 */
export const caseInScope = async (db: TDb, viewer: TViewer, caseId: string): Promise<boolean> => {
  if (!UUID.test(caseId) || viewer.scopeAgencyIds.length === 0) return false;
  const n = await db.case.count({ where: { id: caseId, detectingAgencyId: { in: viewer.scopeAgencyIds } } });
  return n > 0;
};

/**
 * A case in its blind second review (QA_REVIEW) hides the first review from everyone,
 * supervisors included (they take QA cases too): the officers' entries in its history
 * (their claims, decisions and reasons), except the viewer's own, and the amount
 * approved. The QA reviewer then judges the evidence alone; a disagreement goes to
 * ESCALATED_REVIEW, where the supervisor sees both (README "Officer review", QA).
 */
const blindFor = (status: string): boolean => status === 'QA_REVIEW';

const notFound = (caseId: string) => new AppError('NOT_FOUND', `no case ${caseId}`);

/** A flag in words; a flag newer than the strings shows its code rather than failing the page. */
export const flagExplanation = (code: string, lang: TLang): string => {
  try {
    return text('flags', code, {}, lang);
  } catch {
    return code;
  }
};

type TRegistrySnapshot = {
  plate?: string;
  plateColor?: string;
  vehicleClass?: string;
  make?: string;
  model?: string;
  color?: string;
  validFrom?: string;
  validTo?: string | null;
  owner?: { ownerType?: string; name?: string; address?: string; province?: string };
};

/** The days from today (Vietnam calendar) to a deadline's day; negative once it has passed. */
const daysLeft = (due: Date | null, now: Date): number | null => (due ? daysBetween(vietnamDate(now), vietnamDate(due)) : null);

/**
 * Everything an officer needs to decide a case, in one read: the captures with their
 * evidence, the plate as read and normalised, the registry record beside what the camera
 * saw, camera and calibration, the act and its rule, the statutory dates, the flags in
 * words and the audit history; once approved, its notice and deliveries. Another agency's
 * case is NOT_FOUND.
 */
export const caseView = async (db: TDb, viewer: TViewer, caseId: string, opts: { lang?: TLang; now?: Date } = {}) => {
  const lang = opts.lang ?? 'vi';
  const now = opts.now ?? new Date();
  if (!UUID.test(caseId) || viewer.scopeAgencyIds.length === 0) throw notFound(caseId);
  const c = await db.case.findFirst({ where: { id: caseId, detectingAgencyId: { in: viewer.scopeAgencyIds } } });
  if (!c) throw notFound(caseId);

  const [captures, history, rules, record] = await Promise.all([
    caseCaptures(db, c.id),
    entityHistory(db, { type: 'case', id: c.id }),
    rulesByIds(db, c.fineRuleId ? [c.fineRuleId] : []),
    caseNoticeRecord(db, c.id),
  ]);
  const { cameras, sites } = await describeCameras(db, {
    cameraIds: [...new Set(captures.map((e) => e.cameraId))],
    siteIds: [...new Set([c.siteId, ...captures.map((e) => e.siteId)])],
  });
  const registry = (c.registrySnapshot ?? null) as TRegistrySnapshot | null;
  const rule: TRuleFacts | null = c.fineRuleId ? (rules.get(c.fineRuleId) ?? null) : null;
  const seenClasses = [...new Set(captures.map((e) => e.vehicleClass))];
  const seenColors = [...new Set(captures.map((e) => e.plateColor))];
  const confidences = captures.map((e) => e.plateConfidence);
  const blind = blindFor(c.status);
  const own = `officer:${viewer.username ?? ''}`;

  return {
    id: c.id,
    status: c.status,
    /** The first review is hidden from this viewer (QA_REVIEW, not a supervisor). */
    blind,
    flags: c.flags.map((code) => ({ code, explanation: flagExplanation(code, lang) })),
    detectingUnit: c.detectingUnit,
    detectingAgencyId: c.detectingAgencyId,
    plate: {
      raw: c.plateRaw,
      normalised: c.plate,
      format: c.plateFormat,
      color: c.plateColor,
      /** The best and worst reading confidence over the captures (0..1). */
      confidenceMax: confidences.length ? Math.max(...confidences) : null,
      confidenceMin: confidences.length ? Math.min(...confidences) : null,
    },
    vehicle: {
      /** What the cameras reported; they report no make, model or colour: the officer compares those on the images. */
      seen: { vehicleClass: c.vehicleClass, vehicleClasses: seenClasses, plateColor: c.plateColor, plateColors: seenColors, make: null, model: null, color: null },
      registry: registry
        ? {
            plate: registry.plate ?? null,
            vehicleClass: registry.vehicleClass ?? null,
            plateColor: registry.plateColor ?? null,
            make: registry.make ?? null,
            model: registry.model ?? null,
            color: registry.color ?? null,
            validFrom: registry.validFrom ?? null,
            validTo: registry.validTo ?? null,
          }
        : null,
      matches: registry
        ? { vehicleClass: registry.vehicleClass === c.vehicleClass, plateColor: registry.plateColor === c.plateColor }
        : null,
    },
    owner: registry?.owner
      ? { type: registry.owner.ownerType ?? null, name: registry.owner.name ?? null, address: registry.owner.address ?? null, province: registry.owner.province ?? null }
      : null,
    site: sites.get(c.siteId) ?? null,
    act: {
      violation: c.violation,
      vehicleClass: c.vehicleClass,
      rule,
      legalBasis: c.legalBasis,
      fineMin: c.fineMin,
      fineMax: c.fineMax,
      fineAmount: c.fineAmount,
      /** The amount an officer approved (null while blind, or before any approval). */
      approvedAmount: blind ? null : c.approvedAmount,
      fineMultiplier: c.fineMultiplier,
      points: c.points,
      handlingUnit: c.handlingUnit,
      handlingUnitKind: c.handlingUnitKind,
    },
    dates: {
      firstCapturedAt: c.firstCapturedAt,
      lastCapturedAt: c.lastCapturedAt,
      noticeDueAt: c.noticeDueAt,
      noticeDaysLeft: daysLeft(c.noticeDueAt, now),
      noticeDueSoon: isDueSoon(c.noticeDueAt, now),
      limitationEndsAt: c.limitationEndsAt,
      limitationDaysLeft: daysLeft(c.limitationEndsAt, now),
    },
    captures: captures.map((e) => {
      const cam = cameras.get(e.cameraId);
      return {
        eventId: e.id,
        capturedAt: e.capturedAt,
        receivedAt: e.receivedAt,
        violation: e.violation,
        vehicleClass: e.vehicleClass,
        plateRaw: e.plateRaw,
        plate: e.plate,
        plateUncertain: e.plateUncertain,
        plateConfidence: e.plateConfidence,
        plateColor: e.plateColor,
        speedMeasuredKmh: e.speedMeasuredKmh,
        speedLimitKmh: e.speedLimitKmh,
        lane: e.lane,
        signalPhase: e.signalPhase,
        passengerCount: e.passengerCount,
        location: e.locationDescription,
        detectingUnit: e.detectingUnit,
        site: sites.get(e.siteId) ?? null,
        camera: cam
          ? {
              code: cam.code,
              agency: cam.agency,
              certNumber: cam.certNumber,
              certExpiresAt: cam.certExpiresAt,
              // The camera's current certificate: a renewal after the capture hides the one in force then.
              certValidAtCapture: cam.certExpiresAt.getTime() > e.capturedAt.getTime(),
            }
          : null,
        evidence: e.evidence.map((f) => ({ id: f.id, kind: f.kind, contentType: f.contentType, sha256: f.sha256, sizeBytes: f.sizeBytes, url: `/v1/evidence/${f.id}` })),
      };
    }),
    /** After approval: the notice (number, PDF hash and size, whether an access code is set), every delivery with its attempts, the owner's responses, the escalations. */
    notice: record.notice,
    deliveries: record.deliveries,
    responses: record.responses,
    escalations: record.escalations,
    history: (blind ? history.filter((h) => !h.actor.startsWith('officer:') || h.actor === own) : history) satisfies THistoryEntry[],
  };
};

export type TCaseView = Awaited<ReturnType<typeof caseView>>;
