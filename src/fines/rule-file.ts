import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ZCalendarDate } from '../clock/index.ts';
import { VehicleClass, Violation } from '../generated/prisma/enums.ts';
import { AppError } from '../shared/app-error.ts';

const ZRange = z.object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }).strict();

const ZClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00–23:59');

/**
 * A time-of-day window in Vietnam time, both ends included ("từ 22 giờ ngày hôm trước
 * đến 05 giờ ngày hôm sau": { from: "22:00", to: "05:00" }); it wraps past midnight
 * when `from` is later than `to`.
 */
export const ZLocalTimeWindow = z.object({ from: ZClockTime, to: ZClockTime }).strict();

/**
 * What an act must meet for a row to apply, besides its violation and vehicle class.
 * Each key is optional (absent: any); a site fact with `false` means "only where the
 * site is not so marked", which keeps a general row from competing with the special one.
 */
export const ZConditions = z
  .object({
    /** true: only on expressway sites; false: only elsewhere; absent: anywhere. */
    expressway: z.boolean().optional(),
    /** Site in an urban area (đô thị), e.g. truck routes and hours (Art 21.6.d). */
    urban: z.boolean().optional(),
    /** Site in a densely populated area (khu đông dân cư) or a hospital area (Art 6.1.đ, 7.1.i, 7.9.k). */
    residential: z.boolean().optional(),
    /** Site on a bridge (Art 6.4.b, 7.3.c). */
    bridge: z.boolean().optional(),
    /** Site in a road tunnel (Art 6.3.n, 7.3.h, 7.4.b). */
    tunnel: z.boolean().optional(),
    /** Capture time of day, Vietnam time. */
    localTime: ZLocalTimeWindow.optional(),
    /** Measured minus limit, whole km/h, inclusive bounds. */
    speedOverKmh: ZRange.optional(),
    /** Passengers besides the rider, inclusive bounds. */
    passengers: ZRange.optional(),
  })
  .strict();

export const ZRuleRow = z
  .object({
    code: z.string().min(1),
    version: z.number().int().positive(),
    violation: z.enum(Violation),
    vehicleClasses: z.array(z.enum(VehicleClass)).min(1),
    conditions: ZConditions,
    fineMin: z.number().int().nonnegative(),
    fineMax: z.number().int().nonnegative(),
    points: z.number().int().min(0).max(12),
    article: z.number().int().positive(),
    clause: z.number().int().positive(),
    /** Absent for a clause that has no points (e.g. Art 21.4). */
    point: z.string().min(1).optional(),
    communeCompetent: z.boolean(),
    effectiveFrom: ZCalendarDate.optional(),
    effectiveTo: ZCalendarDate.nullable().optional(),
    note: z.string().optional(),
  })
  .refine((r) => r.fineMin <= r.fineMax, { message: 'fineMin must not exceed fineMax', path: ['fineMax'] });

const ZRuleKey = z.string().regex(/^.+@[1-9]\d*$/, 'code@version');

/**
 * A loaded row found wrong: it is withdrawn (kept, since cases point at it, but never
 * picked again), with the reason and the provision that shows it, and the rows of this
 * file that correct it.
 */
export const ZWithdrawal = z
  .object({
    code: z.string().min(1),
    version: z.number().int().positive(),
    reason: z.string().min(1),
    /** The provision the correction rests on, e.g. "điểm b khoản 7 Điều 7 Nghị định 168/2024/NĐ-CP". */
    citation: z.string().min(1),
    /** code@version of the rows of this file that replace it (none: the act has no rule any more). */
    replacedBy: z.array(ZRuleKey).default([]),
  })
  .strict();

/** A checked-in fine table: one decree (or amending decree), its rows and its withdrawals of wrong rows. */
export const ZRuleFile = z.object({
  decree: z.string().min(1),
  /**
   * For an amending decree's table: the decree it amends. Its rows keep the amended
   * decree's numbering (article, clause, point) and are cited as that provision "as
   * amended by" this decree.
   */
  amends: z.string().min(1).optional(),
  title: z.string().min(1),
  effectiveFrom: ZCalendarDate,
  effectiveTo: ZCalendarDate.nullable(),
  sourceNote: z.string(),
  rules: z.array(ZRuleRow).min(1),
  withdraws: z.array(ZWithdrawal).default([]),
});

export type TConditions = z.infer<typeof ZConditions>;
export type TRuleFile = z.infer<typeof ZRuleFile>;
export type TWithdrawal = z.infer<typeof ZWithdrawal>;

/** A rule table as read from its file: the rows to add and the loaded rows to withdraw. */
export type TRuleTable = { rules: TFineRule[]; withdraws: TWithdrawal[] };

/** A rule as the engine uses it (from a file or from the database). */
export type TFineRule = {
  id?: string;
  code: string;
  version: number;
  violation: Violation;
  vehicleClasses: VehicleClass[];
  conditions: TConditions;
  fineMin: number;
  fineMax: number;
  points: number;
  decree: string;
  article: number;
  clause: number;
  /** null: the clause has no points. */
  point: string | null;
  communeCompetent: boolean;
  /** YYYY-MM-DD, Vietnam calendar; effectiveTo exclusive. */
  effectiveFrom: string;
  effectiveTo: string | null;
  /** The instrument that enacted the row: `decree`, or the decree that amended it. */
  source: string;
  /** Set on a loaded row found wrong (see TWithdrawal): the engine never picks it. */
  withdrawnAt?: Date | null;
};

export const ruleKey = (r: { code: string; version: number }): string => `${r.code}@${r.version}`;

/** A rule table file: its rows, and the loaded rows it withdraws (checked against its own rows). */
export const readRuleTable = (path: string): TRuleTable => {
  const file = ZRuleFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  const codes = new Set<string>();
  const rules = file.rules.map((r): TFineRule => {
    const key = `${r.code}@${r.version}`;
    if (codes.has(key)) throw new AppError('INVALID_INPUT', `${path}: rule ${key} appears twice`);
    codes.add(key);
    return {
      code: r.code,
      version: r.version,
      violation: r.violation,
      vehicleClasses: r.vehicleClasses,
      conditions: r.conditions,
      fineMin: r.fineMin,
      fineMax: r.fineMax,
      points: r.points,
      decree: file.amends ?? file.decree,
      article: r.article,
      clause: r.clause,
      point: r.point ?? null,
      communeCompetent: r.communeCompetent,
      effectiveFrom: r.effectiveFrom ?? file.effectiveFrom,
      effectiveTo: r.effectiveTo === undefined ? file.effectiveTo : r.effectiveTo,
      source: file.decree,
    };
  });
  const withdrawn = new Set<string>();
  for (const w of file.withdraws) {
    const key = ruleKey(w);
    if (codes.has(key)) throw new AppError('INVALID_INPUT', `${path}: rule ${key} is both added and withdrawn`);
    if (withdrawn.has(key)) throw new AppError('INVALID_INPUT', `${path}: withdrawal of ${key} appears twice`);
    withdrawn.add(key);
    const unknown = w.replacedBy.filter((k) => !codes.has(k));
    if (unknown.length > 0) throw new AppError('INVALID_INPUT', `${path}: ${key} is replaced by ${unknown.join(', ')}, which this file does not add`);
  }
  return { rules, withdraws: file.withdraws };
};

/** The rows of a rule table file. */
export const readRuleFile = (path: string): TFineRule[] => readRuleTable(path).rules;

/**
 * Every rule table in a directory (`*.json`, in name order): one decree may span several
 * files, e.g. its first table and the acts added later, each loaded as an addition.
 */
export const ruleTableFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
