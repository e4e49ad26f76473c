import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { VehicleClass, Violation } from '../generated/prisma/enums.ts';
import { AppError } from '../shared/app-error.ts';

const ZRange = z.object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }).strict();

export const ZConditions = z
  .object({
    /** true: only on expressway sites; false: only elsewhere; absent: anywhere. */
    expressway: z.boolean().optional(),
    /** Measured minus limit, whole km/h, inclusive bounds. */
    speedOverKmh: ZRange.optional(),
    /** Passengers besides the rider, inclusive bounds. */
    passengers: ZRange.optional(),
  })
  .strict();

const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

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
    point: z.string().min(1),
    communeCompetent: z.boolean(),
    effectiveFrom: ZDate.optional(),
    effectiveTo: ZDate.nullable().optional(),
    note: z.string().optional(),
  })
  .refine((r) => r.fineMin <= r.fineMax, { message: 'fineMin must not exceed fineMax', path: ['fineMax'] });

/** A checked-in fine table: one decree (or amending decree) and its rows. */
export const ZRuleFile = z.object({
  decree: z.string().min(1),
  title: z.string().min(1),
  effectiveFrom: ZDate,
  effectiveTo: ZDate.nullable(),
  sourceNote: z.string(),
  rules: z.array(ZRuleRow).min(1),
});

export type TConditions = z.infer<typeof ZConditions>;
export type TRuleFile = z.infer<typeof ZRuleFile>;

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
  point: string;
  communeCompetent: boolean;
  /** YYYY-MM-DD, Vietnam calendar; effectiveTo exclusive. */
  effectiveFrom: string;
  effectiveTo: string | null;
  source: string;
};

export const readRuleFile = (path: string): TFineRule[] => {
  const file = ZRuleFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  const codes = new Set<string>();
  return file.rules.map((r) => {
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
      decree: file.decree,
      article: r.article,
      clause: r.clause,
      point: r.point,
      communeCompetent: r.communeCompetent,
      effectiveFrom: r.effectiveFrom ?? file.effectiveFrom,
      effectiveTo: r.effectiveTo === undefined ? file.effectiveTo : r.effectiveTo,
      source: file.decree,
    };
  });
};
