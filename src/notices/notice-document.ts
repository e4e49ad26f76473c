import type { TDeadline } from '../clock/index.ts';

/**
 * Everything a notice prints (form 01, Circular 73/2024/TT-BCA; the field list is in
 * DESIGN.md and the domain reference §4), gathered once by the notice stage from the case,
 * its owner, registration snapshot, captures and agencies. The renderer is a pure function
 * of it: the same document gives the same PDF bytes.
 */
export type TNoticeDocument = {
  language: 'vi' | 'en';
  /** The notice number as printed after "Số:", e.g. `000123/TB-PC08`. */
  number: string;
  issuer: {
    /** The body above the issuing agency, e.g. `CÔNG AN THÀNH PHỐ HỒ CHÍ MINH`. */
    parentName: string;
    /** The issuing agency, e.g. `PHÒNG CẢNH SÁT GIAO THÔNG`. */
    name: string;
    /** Place name before the date line, e.g. `TP. Hồ Chí Minh` ("TP. Hồ Chí Minh, ngày 01 tháng 12 năm 2026"). */
    place: string;
    /**
     * The signer's title above the space left for signature and seal, one line per `\n`,
     * e.g. `KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG` or `TRƯỞNG CÔNG AN XÃ`; without it the
     * template's (`signer.title` in templates/<lang>/notice.json: a Phòng CSGT deputy head).
     */
    signerTitle?: string;
  };
  /** The issue date, a Vietnam calendar day (YYYY-MM-DD). */
  issuedOn: string;
  owner: { kind: 'PERSON' | 'ORGANISATION'; name: string; address: string };
  vehicle: {
    plate: string;
    plateColor: string;
    vehicleClass: string;
    /** From the registry snapshot; null where the registry had none. */
    make: string | null;
    model: string | null;
    color: string | null;
  };
  act: {
    capturedAt: Date;
    /** Site name and address, and its province, as printed. */
    place: string;
    /** The Violation enum code; its words come from templates/<lang>/. */
    violation: string;
    /** e.g. `điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP`. */
    legalBasis: string;
    fineMin: number;
    fineMax: number;
    /** The amount the officer approved (VND). */
    amount: number;
    /** Licence points to deduct; 0 for none (organisations: always 0). */
    points: number;
    speed: { measuredKmh: number; limitKmh: number } | null;
  };
  /** The unit whose camera detected the act. */
  detectingUnit: string;
  /** Where the owner must come: the handling unit. */
  handlingUnit: { name: string; address: string | null; phone: string | null };
  /** The 20-day response limit counted from the issue day (the notice is sent that day; the
   *  escalation counts from the actual sending, never earlier than this date). */
  responseDue: TDeadline;
  /** Evidence images (JPEG or PNG), at most a few, in capture order. */
  evidence: { contentType: string; bytes: Buffer }[];
  /** The notice page: the short URL and code printed, and the URL the QR code opens. */
  access: { shortUrl: string; code: string; qrUrl: string };
};
