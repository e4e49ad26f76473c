import { readFile } from 'node:fs/promises';
import { ownerResponseDue, vietnamDate, type WorkCalendar } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import { caseCaptures } from '../events/index.ts';
import type { ContentStore } from '../storage/index.ts';
import { displayPlate } from '../plates/index.ts';
import { provinceUnit } from '../units/index.ts';
import type { TNoticeDocument } from './notice-document.ts';
import { noticeText } from './notice-format.ts';

/** At most this many evidence images go on a notice (the notice page shows them all). */
const MAX_IMAGES = 2;
const PRINTABLE = new Set(['image/jpeg', 'image/png']);

type TRegistrySnapshot = { make?: string; model?: string; color?: string };

/** What the notice stage reads of an approved case to number, render and send its notice. */
export type TNoticeCase = {
  id: string;
  status: string;
  plate: string;
  plateColor: string;
  vehicleClass: string;
  violation: string;
  firstCapturedAt: Date;
  legalBasis: string | null;
  fineMin: number | null;
  fineMax: number | null;
  approvedAmount: number | null;
  fineAmount: number | null;
  points: number | null;
  handlingUnit: string | null;
  registrySnapshot: unknown;
  owner: { ownerType: 'PERSON' | 'ORGANISATION'; name: string; idNumber: string; address: string; email: string | null; phone: string | null; noticeLanguage: string } | null;
  site: { name: string; address: string; province: string };
  detectingAgency: { id: string; code: string; name: string; kind: string; provinceCode: string | null; parentName: string | null; noticeNumberPattern: string | null } | null;
  handlingAgency: { name: string; address: string | null; phone: string | null } | null;
  notice: { id: string; number: string; issuedAt: Date; pdfSha256: string | null; language: string } | null;
};

export const loadNoticeCases = (db: TDb, ids: readonly string[]): Promise<TNoticeCase[]> =>
  db.case.findMany({
    where: { id: { in: [...ids] } },
    select: {
      id: true,
      status: true,
      plate: true,
      plateColor: true,
      vehicleClass: true,
      violation: true,
      firstCapturedAt: true,
      legalBasis: true,
      fineMin: true,
      fineMax: true,
      approvedAmount: true,
      fineAmount: true,
      points: true,
      handlingUnit: true,
      registrySnapshot: true,
      owner: { select: { ownerType: true, name: true, idNumber: true, address: true, email: true, phone: true, noticeLanguage: true } },
      site: { select: { name: true, address: true, province: true } },
      detectingAgency: { select: { id: true, code: true, name: true, kind: true, provinceCode: true, parentName: true, noticeNumberPattern: true } },
      handlingAgency: { select: { name: true, address: true, phone: true } },
      notice: { select: { id: true, number: true, issuedAt: true, pdfSha256: true, language: true } },
    },
  });

/**
 * The place name a Vietnamese date line uses (Decree 30/2020 Appendix I): the province or
 * city without "Tỉnh"/"Thành phố" ("Hà Nội"), except where the rest is a person's name
 * ("TP. Hồ Chí Minh").
 */
const placeName = (unitName: string): string => {
  const bare = unitName.replace(/^(Thành phố|Tỉnh)\s+/u, '');
  return bare === 'Hồ Chí Minh' ? 'TP. Hồ Chí Minh' : bare;
};

/**
 * The header's upper body and place: the agency's own where set, else the police of its
 * province ("CÔNG AN THÀNH PHỐ HÀ NỘI", "Hà Nội").
 */
export const issuerOf = (agency: NonNullable<TNoticeCase['detectingAgency']>, siteProvince: string, lang: 'vi' | 'en' = 'vi'): TNoticeDocument['issuer'] => {
  const unit = agency.provinceCode ? provinceUnit(agency.provinceCode) : undefined;
  return {
    parentName: agency.parentName ?? (unit ? `CÔNG AN ${unit.name.toLocaleUpperCase('vi')}` : 'CÔNG AN'),
    name: agency.name.toLocaleUpperCase('vi'),
    place: unit ? placeName(unit.name) : siteProvince,
    // Who signs depends on the kind of unit: a division's deputy head, a team's or a commune police's chief.
    signerTitle: noticeText(lang, `signer.${agency.kind}`),
  };
};

/** For speeding, the lowest measured excess over the captures: the one the fine was assessed on. */
export const assessedSpeed = (captures: readonly { speedMeasuredKmh: number | null; speedLimitKmh: number | null }[]): TNoticeDocument['act']['speed'] => {
  const measured = captures
    .flatMap((c) => (c.speedMeasuredKmh !== null && c.speedLimitKmh !== null ? [{ measuredKmh: c.speedMeasuredKmh, limitKmh: c.speedLimitKmh }] : []))
    .sort((x, y) => x.measuredKmh - x.limitKmh - (y.measuredKmh - y.limitKmh));
  return measured[0] ?? null;
};

/**
 * What the notice tells the owner to pay and where to go, as printed: the approved amount,
 * the points (none for an organisation), the handling unit. The notice page shows the same.
 */
export const noticeTerms = (c: Pick<TNoticeCase, 'approvedAmount' | 'fineAmount' | 'fineMin' | 'points' | 'owner' | 'handlingAgency' | 'handlingUnit' | 'detectingAgency'>) => ({
  amount: c.approvedAmount ?? c.fineAmount ?? c.fineMin ?? 0,
  points: c.owner?.ownerType === 'ORGANISATION' ? 0 : (c.points ?? 0),
  handlingUnit: {
    name: c.handlingAgency?.name ?? c.handlingUnit ?? c.detectingAgency?.name ?? '',
    address: c.handlingAgency?.address ?? null,
    phone: c.handlingAgency?.phone ?? null,
  },
});

/**
 * From the case's captures: the first printable evidence images (read from the evidence
 * store) and, for speeding, the lowest measured excess (the one the fine was assessed on).
 */
const captureFacts = async (db: TDb, store: ContentStore, caseId: string): Promise<Pick<TNoticeDocument, 'evidence'> & { speed: TNoticeDocument['act']['speed'] }> => {
  const captures = await caseCaptures(db, caseId);
  const files = captures.flatMap((c) => c.evidence).filter((e) => PRINTABLE.has(e.contentType));
  const evidence = await Promise.all(files.slice(0, MAX_IMAGES).map(async (e) => ({ contentType: e.contentType, bytes: await readFile(store.pathOf(e.sha256)) })));
  return { evidence, speed: assessedSpeed(captures) };
};

export type TDocumentInput = {
  db: TDb;
  evidence: ContentStore;
  calendar: WorkCalendar;
  /** The notice page's base, e.g. https://phatnguoi.example.vn. */
  publicBaseUrl: string;
};

/** The path of a notice's page: its number, with the slashes a number holds kept as path segments. */
export const noticePath = (number: string): string => `/notices/${number.split('/').map(encodeURIComponent).join('/')}`;

/** The document of a numbered notice, with the access code to print on it. */
export const noticeDocument = async (
  deps: TDocumentInput,
  c: TNoticeCase,
  notice: { number: string; issuedAt: Date; language: string; expectedSentAt?: Date },
  accessCode: string,
): Promise<TNoticeDocument> => {
  if (!c.owner || !c.detectingAgency || c.fineMin === null || c.fineMax === null || !c.legalBasis) {
    throw new Error(`case ${c.id} lacks what a notice prints (owner, detecting agency, fine and legal basis)`);
  }
  const snapshot = (c.registrySnapshot ?? {}) as TRegistrySnapshot;
  const issuedOn = vietnamDate(notice.issuedAt);
  const base = deps.publicBaseUrl.replace(/\/+$/, '');
  const shortUrl = `${base}${noticePath(notice.number)}`;
  const captured = await captureFacts(deps.db, deps.evidence, c.id);
  const terms = noticeTerms(c);
  return {
    language: notice.language === 'en' ? 'en' : 'vi',
    number: notice.number,
    issuer: issuerOf(c.detectingAgency, c.site.province, notice.language === 'en' ? 'en' : 'vi'),
    issuedOn,
    owner: { kind: c.owner.ownerType, name: c.owner.name, address: c.owner.address },
    vehicle: {
      plate: displayPlate(c.plate),
      plateColor: c.plateColor,
      vehicleClass: c.vehicleClass,
      make: snapshot.make ?? null,
      model: snapshot.model ?? null,
      color: snapshot.color ?? null,
    },
    act: {
      capturedAt: c.firstCapturedAt,
      place: `${c.site.name}, ${c.site.address}`,
      violation: c.violation,
      legalBasis: c.legalBasis,
      fineMin: c.fineMin,
      fineMax: c.fineMax,
      amount: terms.amount,
      points: terms.points,
      speed: captured.speed,
    },
    detectingUnit: c.detectingAgency.name,
    handlingUnit: terms.handlingUnit,
    // The period runs from the sending (Circular 73 Art 24.5): printed from the day the first channel is expected to send.
    responseDue: ownerResponseDue(notice.expectedSentAt ?? notice.issuedAt, deps.calendar),
    evidence: captured.evidence,
    // The code rides in the fragment: browsers do not send it, so no server log holds it.
    access: { shortUrl, code: accessCode, qrUrl: `${shortUrl}#code=${accessCode.replace('-', '')}` },
  };
};
