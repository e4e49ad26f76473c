/**
 * A case within 2 days of its notice deadline (10 days from detection, Circular 73/2024
 * Art 24.1), or past it, is marked for officers: the queue and the case page use this one
 * rule (the queue's SQL through DUE_SOON_SECONDS).
 */
export const DUE_SOON_SECONDS = 2 * 86_400;

export const isDueSoon = (noticeDueAt: Date | null, now: Date): boolean =>
  noticeDueAt !== null && noticeDueAt.getTime() < now.getTime() + DUE_SOON_SECONDS * 1000;
