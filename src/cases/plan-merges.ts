/** A capture of an act, as dedup weighs it. */
export type TCapture = {
  id: string;
  /** The act: same normalised plate, violation and site. */
  act: string;
  capturedAt: Date;
  /** The plate was read with at least the confidence threshold. */
  confident: boolean;
};

/** A case already open for an act, with the span of its captures. */
export type TOpenCase = { id: string; act: string; first: Date; last: Date };

export type TCaseChange = {
  caseId: string;
  first: Date;
  last: Date;
  /** Captures this batch adds to the case. */
  added: number;
  /** At least one of the added captures read the plate confidently. */
  confident: boolean;
  /** The capture that opens the case; undefined for a case that was already open. */
  opener?: TCapture;
};

export type TMergePlan = {
  changes: TCaseChange[];
  /** Each capture's case, and whether it opened it. */
  placement: Map<string, { caseId: string; opened: boolean }>;
};

/**
 * Decides, without I/O, which case each capture belongs to: a capture joins the earliest
 * case of its act whose captures lie within `windowMs` of it (stretching the case's
 * span), or opens a new case. `newId` names opened cases.
 *
 * Within a batch, captures are taken in time order per act. Across batches the order is
 * the order of arrival, and cases are never merged afterwards: captures at 0 and 2W that
 * arrive first open two cases, and one at W arriving later joins the earlier of them,
 * where a batch holding all three would make one case. Repeat captures of one act come
 * seconds apart, well inside the window, so this touches only captures spread over more
 * than the window; an officer then sees two cases of one plate and act, side by side.
 */
export const planMerges = (captures: readonly TCapture[], open: readonly TOpenCase[], windowMs: number, newId: () => string): TMergePlan => {
  const placement: TMergePlan['placement'] = new Map();
  const changes: TCaseChange[] = [];
  const acts = new Map<string, TCapture[]>();
  for (const c of captures) acts.set(c.act, [...(acts.get(c.act) ?? []), c]);
  for (const [act, list] of acts) {
    const candidates: TCaseChange[] = open
      .filter((o) => o.act === act)
      .map((o) => ({ caseId: o.id, first: o.first, last: o.last, added: 0, confident: false }));
    for (const capture of [...list].sort((a, b) => a.capturedAt.getTime() - b.capturedAt.getTime())) {
      const t = capture.capturedAt.getTime();
      const hit = candidates
        .filter((c) => c.first.getTime() - windowMs <= t && c.last.getTime() + windowMs >= t)
        .sort((a, b) => a.first.getTime() - b.first.getTime())[0];
      if (hit) {
        if (t < hit.first.getTime()) hit.first = capture.capturedAt;
        if (t > hit.last.getTime()) hit.last = capture.capturedAt;
        hit.added++;
        hit.confident ||= capture.confident;
        placement.set(capture.id, { caseId: hit.caseId, opened: false });
      } else {
        const opened: TCaseChange = { caseId: newId(), first: capture.capturedAt, last: capture.capturedAt, added: 1, confident: capture.confident, opener: capture };
        candidates.push(opened);
        placement.set(capture.id, { caseId: opened.caseId, opened: true });
      }
    }
    changes.push(...candidates.filter((c) => c.added > 0));
  }
  return { changes, placement };
};
