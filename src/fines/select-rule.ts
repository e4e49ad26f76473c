import { vietnamDate, vietnamTimeOfDayMs } from '../clock/index.ts';
import type { VehicleClass, Violation } from '../generated/prisma/enums.ts';
import type { TConditions, TFineRule } from './rule-file.ts';

export type TAct = {
  violation: Violation;
  vehicleClass: VehicleClass;
  /** The capture instant: the decree in force then applies (Decree 168 Art 54, Art 4.3.b). */
  capturedAt: Date;
  onExpressway: boolean;
  speedOverKmh: number | null;
  passengers: number | null;
  /** The site lies in an urban area (đô thị). */
  inUrbanArea: boolean;
  /** The site lies in a densely populated area (khu đông dân cư) or a hospital area. */
  inResidentialArea: boolean;
  onBridge: boolean;
  inTunnel: boolean;
};

const clockMs = (hhmm: string): number => (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))) * 60_000;

/**
 * Whether an instant falls in a time-of-day window of Vietnam time, both ends included
 * (to the millisecond: 05:00:00.000 is within "until 05:00", 05:00:00.001 is not). A
 * window whose start is later than its end runs past midnight.
 */
export const withinLocalTime = (at: Date, window: { from: string; to: string }): boolean => {
  const t = vietnamTimeOfDayMs(at);
  const from = clockMs(window.from);
  const to = clockMs(window.to);
  return from <= to ? t >= from && t <= to : t >= from || t <= to;
};

const fits = (want: boolean | undefined, fact: boolean): boolean => want === undefined || want === fact;

/** Whether the act meets every condition a row sets. */
export const meetsConditions = (c: TConditions, act: TAct): boolean =>
  fits(c.expressway, act.onExpressway) &&
  fits(c.urban, act.inUrbanArea) &&
  fits(c.residential, act.inResidentialArea) &&
  fits(c.bridge, act.onBridge) &&
  fits(c.tunnel, act.inTunnel) &&
  (c.localTime === undefined || withinLocalTime(act.capturedAt, c.localTime)) &&
  within(act.speedOverKmh, c.speedOverKmh) &&
  within(act.passengers, c.passengers);

/** How many circumstances a row names: the more, the more special the provision. */
const specificity = (c: TConditions): number => Object.values(c).filter((v) => v !== undefined).length;

const within = (v: number | null, range: { min?: number; max?: number } | undefined): boolean =>
  range === undefined || (v !== null && (range.min === undefined || v >= range.min) && (range.max === undefined || v <= range.max));

/**
 * The rule for an act: in force on the capture date (never the processing date), for
 * this violation and vehicle class, whose conditions the act meets. A row is a version of
 * a provision (its code): of the versions in force on that day only the latest counts
 * (the one that took effect last, then the higher version), so an amendment is added as
 * a new version of the code it amends and never rewrites old rows. Among the provisions
 * whose conditions the act meets, the one naming more circumstances wins (the decree's
 * general points except the special ones: stopping on a bridge is 7.3.c, not the general
 * 7.2.e), whichever took effect later: amending a general point does not override a
 * special one. `null` when no rule fits: the case goes to an officer with NO_RULE instead
 * of a made-up fine. A withdrawn row (found wrong, kept because cases point at it) is
 * never picked.
 */
export const selectRule = (rules: readonly TFineRule[], act: TAct): TFineRule | null => {
  const day = vietnamDate(act.capturedAt);
  const latest = new Map<string, TFineRule>();
  for (const r of rules) {
    if (r.withdrawnAt || r.violation !== act.violation || !r.vehicleClasses.includes(act.vehicleClass)) continue;
    if (r.effectiveFrom > day || (r.effectiveTo !== null && r.effectiveTo <= day)) continue;
    const prev = latest.get(r.code);
    if (!prev || r.effectiveFrom > prev.effectiveFrom || (r.effectiveFrom === prev.effectiveFrom && r.version > prev.version)) latest.set(r.code, r);
  }
  let best: TFineRule | null = null;
  for (const r of latest.values()) {
    if (!meetsConditions(r.conditions, act)) continue;
    const bySpecificity = best ? specificity(r.conditions) - specificity(best.conditions) : 1;
    if (bySpecificity > 0 || (bySpecificity === 0 && (r.effectiveFrom > best!.effectiveFrom || (r.effectiveFrom === best!.effectiveFrom && r.version > best!.version)))) best = r;
  }
  return best;
};
