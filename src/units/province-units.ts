import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Official two-digit code of a province-level unit (Decision 19/2025/QĐ-TTg). */
export const ZProvinceCode = z.string().regex(/^\d{2}$/, 'a two-digit province code');

const ZUnit = z
  .object({
    code: ZProvinceCode,
    kind: z.enum(['CITY', 'PROVINCE']),
    name: z.string().min(1),
    /** Pre-merger provinces now part of this unit (Resolution 202/2025/QH15 Art 1). */
    formerProvinces: z.array(z.string().min(1)).min(1),
    /** Other ways people write it: abbreviations, old spellings, English. */
    aliases: z.array(z.string().min(1)),
    /** Plate codes of the unit (Circular 51/2025/TT-BCA annex). */
    plateCodes: z.array(z.number().int().min(11).max(99)).min(1),
  })
  .strict();

export const ZUnitsFile = z
  .object({
    title: z.string().min(1),
    effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    sources: z.record(z.string(), z.string().min(1)),
    units: z.array(ZUnit).min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Map<string, string>();
    const once = (what: string, key: string, code: string) => {
      const other = seen.get(`${what}:${key}`);
      if (other !== undefined && other !== code) ctx.addIssue({ code: 'custom', message: `${what} ${key} belongs to both ${other} and ${code}` });
      seen.set(`${what}:${key}`, code);
    };
    for (const u of f.units) {
      once('code', u.code, `#${f.units.indexOf(u)}`);
      for (const p of u.plateCodes) once('plate code', String(p), u.code);
    }
  });

export type TProvinceUnit = z.infer<typeof ZUnit>;

/**
 * The checked-in table of province-level units in force since the two-level local
 * government reform of 1 Jul 2025; its sources are cited inside the file. Routing is
 * decided when a case is assessed, so it always uses the units in force today (see
 * README, "Routing to the handling unit").
 */
export const PROVINCE_UNITS_FILE = resolve(import.meta.dirname, 'data/provinces-2025-07-01.json');

let units: readonly TProvinceUnit[] | undefined;

export const provinceUnits = (): readonly TProvinceUnit[] =>
  (units ??= ZUnitsFile.parse(JSON.parse(readFileSync(PROVINCE_UNITS_FILE, 'utf8'))).units);

export const provinceUnit = (code: string): TProvinceUnit | undefined => provinceUnits().find((u) => u.code === code);
