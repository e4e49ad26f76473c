import type { VehicleClass, Violation } from '../generated/prisma/enums.ts';
import type { TFineRule } from './rule-file.ts';

export type TAct = {
  violation: Violation;
  vehicleClass: VehicleClass;
  /** The capture instant: the decree in force then applies (Decree 168 Art 54, Art 4.3.b). */
  capturedAt: Date;
  onExpressway: boolean;
  speedOverKmh: number | null;
  passengers: number | null;
};

const VN_OFFSET_MS = 7 * 3600_000;

/** The calendar day of an instant in Vietnam (UTC+7 all year), YYYY-MM-DD. */
export const vietnamDate = (at: Date): string => new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);

const within = (v: number | null, range: { min?: number; max?: number } | undefined): boolean =>
  range === undefined || (v !== null && (range.min === undefined || v >= range.min) && (range.max === undefined || v <= range.max));

/**
 * The rule for an act: in force on the capture date (never the processing date), for
 * this violation and vehicle class, whose conditions the act meets. Where amendments
 * overlap, the rule that took effect last wins (then the higher version), so an
 * amendment is added as new rows and never rewrites old ones. `null` when no rule fits:
 * the case goes to an officer with NO_RULE instead of a made-up fine.
 */
export const selectRule = (rules: readonly TFineRule[], act: TAct): TFineRule | null => {
  const day = vietnamDate(act.capturedAt);
  let best: TFineRule | null = null;
  for (const r of rules) {
    if (r.violation !== act.violation || !r.vehicleClasses.includes(act.vehicleClass)) continue;
    if (r.effectiveFrom > day || (r.effectiveTo !== null && r.effectiveTo <= day)) continue;
    const c = r.conditions;
    if (c.expressway !== undefined && c.expressway !== act.onExpressway) continue;
    if (!within(act.speedOverKmh, c.speedOverKmh) || !within(act.passengers, c.passengers)) continue;
    if (!best || r.effectiveFrom > best.effectiveFrom || (r.effectiveFrom === best.effectiveFrom && r.version > best.version)) best = r;
  }
  return best;
};
