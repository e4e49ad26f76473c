import { LATE_CHARGE, PERIODS, type TPeriodName } from './periods.ts';
import { addDays, addYears, daysBetween, endOfDay, vietnamDate, type TDay } from './vietnam-day.ts';
import type { WorkCalendar } from './work-calendar.ts';

/** A statutory deadline with its basis, worded as a notice is to print it after "Căn cứ" (no stage prints it yet). */
export type TDeadline = {
  period: TPeriodName;
  /** The last day of the period in Vietnam, after any move to a working day. */
  lastDay: TDay;
  /** The end of `lastDay`: 23:59:59.999 Vietnam time. */
  at: Date;
  /** The last day before BLDS 2015 Art 148.5 moved it off a weekend or holiday; null if not moved. */
  movedFrom: TDay | null;
  /** The provision that sets the period. */
  basis: string;
  /** The provisions that say how it is counted. */
  countingBasis: string;
  /**
   * Years whose holiday schedule was missing or only provisional while counting: the date
   * may be wrong by the days off not known, so a person must check it. Empty when sure.
   */
  unconfirmedYears: number[];
};

/** A period in calendar days from an event, moved to a working day where the period's rule says so. */
const calendarDays = (period: 'noticeDue' | 'ownerResponse' | 'payment', event: Date, cal: WorkCalendar): TDeadline => {
  const rule = PERIODS[period];
  const nominal = addDays(vietnamDate(event), rule.length);
  const seen = new Set<number>();
  const lastDay = rule.movesToWorkingDay ? cal.workingDayOnOrAfter(nominal, seen) : nominal;
  return {
    period,
    lastDay,
    at: endOfDay(lastDay),
    movedFrom: lastDay === nominal ? null : nominal,
    basis: rule.basis,
    countingBasis: rule.counting,
    unconfirmedYears: cal.unconfirmed(seen),
  };
};

/** Identify the owner and send the notice: 10 days from detection, for a camera case the capture. */
export const noticeDue = (detectedAt: Date, cal: WorkCalendar): TDeadline => calendarDays('noticeDue', detectedAt, cal);

/** The owner's response: 20 days from the day the notice was sent; escalation after it. */
export const ownerResponseDue = (noticeSentAt: Date, cal: WorkCalendar): TDeadline => calendarDays('ownerResponse', noticeSentAt, cal);

/** Payment of the fine: 10 days from the day the decision was received. */
export const paymentDue = (decisionReceivedAt: Date, cal: WorkCalendar): TDeadline => calendarDays('payment', decisionReceivedAt, cal);

/** The decision: 7 working days after the day the record was made. */
export const decisionDue = (recordMadeAt: Date, cal: WorkCalendar): TDeadline => {
  const seen = new Set<number>();
  const lastDay = cal.addWorkingDays(vietnamDate(recordMadeAt), PERIODS.decision.length, seen);
  return {
    period: 'decision',
    lastDay,
    at: endOfDay(lastDay),
    movedFrom: null,
    basis: PERIODS.decision.basis,
    countingBasis: PERIODS.decision.counting,
    unconfirmedYears: cal.unconfirmed(seen),
  };
};

/**
 * The end of the limitation of an act captured at `capturedAt`: the end of the same day
 * and month a year later (29 February → 28 February), in Vietnam time, not moved off
 * weekends (see PERIODS.limitation.why). Needs no holiday calendar.
 */
export const limitationEnds = (capturedAt: Date): TDeadline => {
  const lastDay = addYears(vietnamDate(capturedAt), PERIODS.limitation.length);
  return {
    period: 'limitation',
    lastDay,
    at: endOfDay(lastDay),
    movedFrom: null,
    basis: PERIODS.limitation.basis,
    countingBasis: PERIODS.limitation.counting,
    unconfirmedYears: [],
  };
};

/** Past the end of the limitation's last day: the capture can no longer found a sanction. */
export const isPastLimitation = (capturedAt: Date, now: Date): boolean => now.getTime() > limitationEnds(capturedAt).at.getTime();

export type TLateCharge = { days: number; amount: number; basis: string };

/**
 * The late charge on `unpaid` VND paid on the day of `paidAt` (or, for a running total,
 * owed as of that day): 0.05 % a day for every calendar day, holidays included, from the
 * day after the payment deadline's last day up to the day before payment. The end point
 * follows the wording of the fines-collection rules ("đến ngày liền kề trước ngày nộp
 * tiền phạt", as in Decree 125/2020 Art 42.1.b for tax fines); whole VND, rounded down.
 */
export const lateCharge = (unpaid: number, due: TDeadline, paidAt: Date): TLateCharge => {
  const days = Math.max(0, daysBetween(due.lastDay, vietnamDate(paidAt)) - 1);
  return { days, amount: Math.floor((unpaid * days * LATE_CHARGE.basisPointsPerDay) / 10_000), basis: LATE_CHARGE.basis };
};
