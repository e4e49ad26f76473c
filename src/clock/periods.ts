/**
 * The statutory periods of a camera case, with the provisions they come from.
 *
 * How every period is counted: the Law on Handling Administrative Violations (LHAV
 * 15/2012/QH13) Art 8.1 applies the Civil Code's rules to its periods and limitations,
 * "except where this Law sets a time in working days". Civil Code 91/2015/QH13:
 * - Art 147.2–3: a period in days, months or years, or one that starts with an event,
 *   starts on the day after that day (the day of the event is not counted);
 * - Art 148.1, 148.4, 148.6: a period in days ends at the end (24:00) of its last day; one
 *   in years at the end of the corresponding day and month of its last year;
 * - Art 148.5: when the last day is a weekend day or a public holiday, the period ends
 *   at the end of the next working day.
 * Days are Vietnam calendar days (vietnam-day.ts); working days are those of state
 * offices (work-calendar.ts, holidays loaded per year).
 */

const IN_DAYS = 'khoản 1 Điều 8 Luật Xử lý vi phạm hành chính; khoản 3 Điều 147, khoản 1, 5 và 6 Điều 148 Bộ luật Dân sự 2015';
export type TPeriod = {
  /** Length in `unit`s. */
  length: number;
  unit: 'days' | 'working-days' | 'years';
  /** The event the period runs from; its own day is not counted (BLDS 2015 Art 147.3). */
  from: string;
  /** The provision that sets the period, worded as a notice is to print it after "Căn cứ". */
  basis: string;
  /** Whether a last day that is a weekend day or holiday moves to the next working day (BLDS 2015 Art 148.5). */
  movesToWorkingDay: boolean;
  /** Why the move does or does not apply. */
  why: string;
  /** The provisions that say how the period is counted. */
  counting: string;
};

export const PERIODS = {
  /** Identify the owner and send the notice (TT 73/2024/TT-BCA Art 24.1: "trong thời hạn 10 ngày kể từ ngày phát hiện"). */
  noticeDue: {
    length: 10,
    unit: 'days',
    from: 'detection: the capture, for a camera case',
    basis: 'khoản 1 Điều 24 Thông tư 73/2024/TT-BCA',
    movesToWorkingDay: true,
    why: 'a period in days with no rule of its own: LHAV Art 8.1 applies BLDS 2015 Art 148.5',
    counting: IN_DAYS,
  },
  /** The owner's time to come in before escalation (TT 73/2024/TT-BCA Art 24.5: "quá thời hạn 20 ngày kể từ ngày gửi thông báo"). */
  ownerResponse: {
    length: 20,
    unit: 'days',
    from: 'the day the notice was sent',
    basis: 'khoản 5 Điều 24 Thông tư 73/2024/TT-BCA',
    movesToWorkingDay: true,
    why: 'a period in days for the owner to act at an office: LHAV Art 8.1 applies BLDS 2015 Art 148.5',
    counting: IN_DAYS,
  },
  /**
   * Limitation: 1 year (Decree 168/2024 Art 4.1), from the capture, when a camera-detected
   * act counts as ended (Art 4.3.b); the evidence may be used "until the end of the last
   * day of the limitation" and is void after it (Art 4.2).
   */
  limitation: {
    length: 1,
    unit: 'years',
    from: 'the capture (the act counts as ended then)',
    basis: 'khoản 1, khoản 2 và điểm b khoản 3 Điều 4 Nghị định 168/2024/NĐ-CP',
    movesToWorkingDay: false,
    why:
      'Decree 168 Art 4.2 ends the use of the evidence at the end of the last day of the limitation; Art 148.5 serves a party who must act at a closed office, ' +
      'and stretching the power to sanction past the year on that reading would risk a decision on void evidence, so the earlier end is kept (to be confirmed by a lawyer)',
    counting: 'khoản 1 Điều 8 Luật Xử lý vi phạm hành chính; khoản 3 Điều 147, khoản 4 và 6 Điều 148 Bộ luật Dân sự 2015',
  },
  /** Decide after the record is made (LHAV Art 66.1 as amended 2020: "07 ngày làm việc, kể từ ngày lập biên bản"). */
  decision: {
    length: 7,
    unit: 'working-days',
    from: 'the day the record (biên bản) was made',
    basis: 'khoản 1 Điều 66 Luật Xử lý vi phạm hành chính',
    movesToWorkingDay: false,
    why: 'counted in working days (the exception in LHAV Art 8.1), so it always ends on a working day',
    counting: 'khoản 1 Điều 8 Luật Xử lý vi phạm hành chính (ngày làm việc); khoản 3 Điều 147, khoản 6 Điều 148 Bộ luật Dân sự 2015',
  },
  /** Pay the fine (LHAV Art 73.1: "trong thời hạn 10 ngày, kể từ ngày nhận được quyết định xử phạt"). */
  payment: {
    length: 10,
    unit: 'days',
    from: 'the day the decision was received',
    basis: 'khoản 1 Điều 73 Luật Xử lý vi phạm hành chính',
    movesToWorkingDay: true,
    why: 'a period in days for the person fined to act: LHAV Art 8.1 applies BLDS 2015 Art 148.5',
    counting: IN_DAYS,
  },
} as const satisfies Record<string, TPeriod>;

export type TPeriodName = keyof typeof PERIODS;

/**
 * Late payment: 0.05 % of the unpaid amount for each day late (LHAV Art 78.1), the days
 * counted with weekends and holidays from the day after the payment deadline
 * (Circular 18/2023/TT-BTC). Expressed as a fraction in basis points to keep money integer.
 */
export const LATE_CHARGE = {
  basisPointsPerDay: 5,
  basis: 'khoản 1 Điều 78 Luật Xử lý vi phạm hành chính; Thông tư 18/2023/TT-BTC',
} as const;
