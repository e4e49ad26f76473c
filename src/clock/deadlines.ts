/**
 * Statutory dates of a camera case. Pure functions over UTC instants.
 * - Limitation: 1 year; for camera cases the act ends at capture time
 *   (Decree 168/2024/NĐ-CP Art 4.1 and Art 4.3.b).
 */
export const LIMITATION = { years: 1, basis: 'Nghị định 168/2024/NĐ-CP, Điều 4 khoản 1 và điểm b khoản 3' } as const;

/** The last instant at which the evidence of an act captured at `capturedAt` may be used. */
export const limitationEndsAt = (capturedAt: Date): Date => {
  const end = new Date(capturedAt);
  end.setUTCFullYear(end.getUTCFullYear() + LIMITATION.years);
  return end;
};

export const isPastLimitation = (capturedAt: Date, now: Date): boolean => now.getTime() > limitationEndsAt(capturedAt).getTime();

/**
 * Identify the owner and send the notice within 10 days of detection (Circular
 * 73/2024/TT-BCA Art 24.1). A camera case is detected when it is captured.
 */
export const NOTICE_DUE = { days: 10, basis: 'Thông tư 73/2024/TT-BCA, Điều 24 khoản 1' } as const;

export const noticeDueAt = (capturedAt: Date): Date => new Date(capturedAt.getTime() + NOTICE_DUE.days * 86_400_000);
