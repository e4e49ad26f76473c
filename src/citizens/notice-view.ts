import { daysBetween, ownerResponseDue, vietnamDate, type CalendarCache } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import { caseCaptures } from '../events/index.ts';
import { displayPlate } from '../plates/index.ts';
import { assessedSpeed, issuerOf, loadNoticeCases, noticePath, noticeTerms, type TNoticeByNumber } from '../notices/index.ts';

/**
 * What the notice page shows a citizen who gave the right code: the notice as printed (number,
 * date, plate, act, time and place, legal basis, amount, points), the evidence images, the
 * case's status and dates, and where to go. Not the owner's name, address or id: whoever holds
 * the paper may be the driver, and the page needs none of it.
 */
export const citizenNoticeView = async (deps: { db: TDb; calendar: CalendarCache }, notice: TNoticeByNumber, now = new Date()) => {
  const [c] = await loadNoticeCases(deps.db, [notice.caseId]);
  if (!c || !c.detectingAgency) throw new Error(`notice ${notice.number}: its case ${notice.caseId} lacks its agency`);
  const [captures, calendar] = await Promise.all([caseCaptures(deps.db, c.id), deps.calendar.get()]);
  const terms = noticeTerms(c);
  const base = noticePath(notice.number);
  const respondBy = notice.responseDueAt ?? ownerResponseDue(notice.issuedAt, calendar).at;
  return {
    number: notice.number,
    issuedAt: notice.issuedAt,
    issuer: issuerOf(c.detectingAgency, c.site.province),
    plate: displayPlate(c.plate),
    plateColor: c.plateColor,
    vehicleClass: c.vehicleClass,
    violation: c.violation,
    capturedAt: c.firstCapturedAt,
    place: `${c.site.name}, ${c.site.address}, ${c.site.province}`,
    speed: assessedSpeed(captures),
    legalBasis: c.legalBasis,
    fineMin: c.fineMin,
    fineMax: c.fineMax,
    amount: terms.amount,
    points: terms.points,
    handlingUnit: terms.handlingUnit,
    status: c.status,
    sentAt: notice.sentAt,
    /** From the sending once recorded; until then the date printed on the notice (counted from its issue day). */
    respondBy,
    /** Vietnam calendar days from today to the last day; negative once past. */
    respondDaysLeft: daysBetween(vietnamDate(now), vietnamDate(respondBy)),
    evidence: captures.flatMap((cap) =>
      cap.evidence.filter((e) => e.contentType.startsWith('image/')).map((e) => ({ id: e.id, url: `${base}/evidence/${e.id}`, capturedAt: cap.capturedAt })),
    ),
    pdfUrl: notice.pdfSha256 ? `${base}/pdf` : null,
  };
};

export type TCitizenNoticeView = Awaited<ReturnType<typeof citizenNoticeView>>;
