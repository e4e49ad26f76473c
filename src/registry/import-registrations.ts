import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { unnestSql, type TDb } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { OwnerType, PlateColor, VehicleClass } from '../generated/prisma/enums.ts';
import { parsePlate } from '../plates/index.ts';
import { ownerKey, upsertOwners } from './upsert-owners.ts';
import type { TRegistryOwner } from './vehicle-registry.ts';

export const CSV_COLUMNS = [
  'plate', 'plate_color', 'vehicle_class', 'make', 'model', 'color', 'owner_type', 'owner_name', 'owner_id',
  'address', 'province', 'email', 'phone', 'valid_from', 'valid_to',
] as const;

/** A date alone is a calendar day in Vietnam (UTC+7, no DST): it starts at 00:00 there. */
const ZInstant = z
  .string()
  .trim()
  .min(1, 'required')
  .transform((v, ctx) => {
    const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00+07:00`) : new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not a date (YYYY-MM-DD or ISO-8601)' });
      return z.NEVER;
    }
    return d;
  });

const upper = (v: string) => v.trim().toUpperCase();
const optional = z.string().trim().transform((v) => (v === '' ? null : v));

const ZRow = z
  .object({
    plate: z.string().trim().min(1, 'required'),
    plate_color: z.string().transform(upper).pipe(z.enum(PlateColor)),
    vehicle_class: z.string().transform(upper).pipe(z.enum(VehicleClass)),
    make: z.string().trim().min(1, 'required'),
    model: z.string().trim().min(1, 'required'),
    color: z.string().trim().min(1, 'required'),
    owner_type: z.string().transform(upper).pipe(z.enum(OwnerType)),
    owner_name: z.string().trim().min(1, 'required'),
    owner_id: z.string().trim().regex(/^[0-9A-Za-z-]{6,20}$/, 'an ID or tax code of 6–20 letters, digits or -'),
    address: z.string().trim().min(1, 'required'),
    province: z.string().trim().min(1, 'required'),
    email: optional.pipe(z.email().nullable()),
    phone: optional.pipe(z.string().regex(/^\+?[0-9 ]{8,15}$/, 'a phone number').nullable()),
    valid_from: ZInstant,
    valid_to: z.union([z.literal('').transform(() => null), ZInstant]),
  })
  .superRefine((r, ctx) => {
    const plate = parsePlate(r.plate);
    if (!plate.ok) ctx.addIssue({ code: 'custom', path: ['plate'], message: plate.reason });
    else if (!plate.plate.allowedClasses.includes(r.vehicle_class)) {
      ctx.addIssue({ code: 'custom', path: ['vehicle_class'], message: `a ${plate.plate.format} plate is not fitted to a ${r.vehicle_class}` });
    }
    if (r.valid_to && r.valid_to <= r.valid_from) ctx.addIssue({ code: 'custom', path: ['valid_to'], message: 'must be after valid_from' });
  });

type TRow = z.infer<typeof ZRow> & { line: number; normalised: string };

export type TImportReport = {
  rows: number;
  owners: { created: number; updated: number; unchanged: number };
  registrations: { created: number; updated: number; unchanged: number };
  errors: string[];
};

/** Parses and checks a registry CSV; every problem is reported with its line number. */
export const readRegistryCsv = (text: string): { rows: TRow[]; errors: string[] } => {
  const errors: string[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: false, info: true, bom: true, relax_column_count: false });
  } catch (err) {
    return { rows: [], errors: [`the file is not valid CSV: ${(err as Error).message}`] };
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.split(',').map((h) => h.trim());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) return { rows: [], errors: [`line 1: missing column(s): ${missing.join(', ')}`] };

  const rows: TRow[] = [];
  for (const { record, info } of records) {
    const parsed = ZRow.safeParse(record);
    if (!parsed.success) {
      for (const i of parsed.error.issues) errors.push(`line ${info.lines}: ${i.path.join('.') || 'row'}: ${i.message}`);
      continue;
    }
    const plate = parsePlate(parsed.data.plate);
    rows.push({ ...parsed.data, line: info.lines, normalised: plate.ok ? plate.plate.normalised : parsed.data.plate });
  }
  return { rows, errors };
};

const ownerOf = (r: TRow): TRegistryOwner => ({
  ownerType: r.owner_type,
  idNumber: r.owner_id,
  name: r.owner_name,
  address: r.address,
  province: r.province,
  email: r.email,
  phone: r.phone,
});
const rowOwnerKey = (r: TRow) => ownerKey(ownerOf(r));
const ownerFields = (r: TRow) => [r.owner_name, r.address, r.province, r.email, r.phone];

/** Rows written per statement. */
const CHUNK = 5_000;

/**
 * Imports registrations and their owners, set-based in chunks of CHUNK rows. All or
 * nothing: a file with any bad row, an owner given two different sets of details, or
 * periods that would overlap another registration of the same plate and colour changes
 * nothing. Importing the same file again changes nothing either (rows whose content is
 * already stored are not rewritten).
 */
export const importRegistryCsv = async (db: TDb, text: string, actor: string): Promise<TImportReport> => {
  const { rows, errors } = readRegistryCsv(text);
  const report: TImportReport = {
    rows: rows.length,
    owners: { created: 0, updated: 0, unchanged: 0 },
    registrations: { created: 0, updated: 0, unchanged: 0 },
    errors,
  };
  if (errors.length > 0) return report;

  const owners = new Map<string, TRow>();
  for (const r of rows) {
    const seen = owners.get(rowOwnerKey(r));
    if (!seen) owners.set(rowOwnerKey(r), r);
    else if (ownerFields(seen).some((v, i) => v !== ownerFields(r)[i])) {
      report.errors.push(`line ${r.line}: owner ${r.owner_type} ${r.owner_id} has other details than on line ${seen.line}`);
    }
  }
  if (report.errors.length > 0) return report;

  try {
    await db.$transaction(
      async (tx) => {
        const ownerRows = [...owners.values()];
        const ownerIds = new Map<string, string>();
        for (let i = 0; i < ownerRows.length; i += CHUNK) {
          const chunk = ownerRows.slice(i, i + CHUNK).map(ownerOf);
          const { ids, created, updated } = await upsertOwners(tx, chunk);
          for (const [k, id] of ids) ownerIds.set(k, id);
          report.owners.created += created;
          report.owners.updated += updated;
        }
        report.owners.unchanged = ownerRows.length - report.owners.created - report.owners.updated;

        for (let i = 0; i < rows.length; i += CHUNK) {
          const chunk = rows.slice(i, i + CHUNK);
          const counts = await tx.$queryRaw<{ created: number; updated: number }[]>`
            WITH upserted AS (
              INSERT INTO registration (id, plate, plate_color, valid_from, vehicle_class, make, model, color, owner_id, valid_to)
              SELECT gen_random_uuid(), t.* FROM ${unnestSql(chunk, {
                plate: ['text', (r) => r.normalised],
                plate_color: ['"PlateColor"', (r) => r.plate_color],
                valid_from: ['timestamptz', (r) => r.valid_from],
                vehicle_class: ['"VehicleClass"', (r) => r.vehicle_class],
                make: ['text', (r) => r.make],
                model: ['text', (r) => r.model],
                color: ['text', (r) => r.color],
                owner_id: ['uuid', (r) => ownerIds.get(rowOwnerKey(r))],
                valid_to: ['timestamptz', (r) => r.valid_to],
              })}
              ON CONFLICT (plate, plate_color, valid_from) DO UPDATE SET vehicle_class = EXCLUDED.vehicle_class, make = EXCLUDED.make,
                model = EXCLUDED.model, color = EXCLUDED.color, owner_id = EXCLUDED.owner_id, valid_to = EXCLUDED.valid_to, updated_at = now()
              WHERE (registration.vehicle_class, registration.make, registration.model, registration.color, registration.owner_id, registration.valid_to)
                IS DISTINCT FROM (EXCLUDED.vehicle_class, EXCLUDED.make, EXCLUDED.model, EXCLUDED.color, EXCLUDED.owner_id, EXCLUDED.valid_to)
              RETURNING (xmax = 0) AS inserted
            )
            SELECT (count(*) FILTER (WHERE inserted))::int AS created, (count(*) FILTER (WHERE NOT inserted))::int AS updated FROM upserted`;
          report.registrations.created += counts[0]!.created;
          report.registrations.updated += counts[0]!.updated;
        }
        report.registrations.unchanged = rows.length - report.registrations.created - report.registrations.updated;

        const plates = [...new Set(rows.map((r) => r.normalised))];
        const overlaps = await tx.$queryRaw<{ plate: string; plate_color: string }[]>`
          SELECT DISTINCT a.plate, a.plate_color::text FROM registration a
          JOIN registration b ON a.plate = b.plate AND a.plate_color = b.plate_color AND a.id < b.id
            AND a.valid_from < coalesce(b.valid_to, 'infinity') AND b.valid_from < coalesce(a.valid_to, 'infinity')
          WHERE a.plate = ANY(${plates}::text[])`;
        if (overlaps.length > 0) {
          for (const o of overlaps) {
            const lines = rows.filter((r) => r.normalised === o.plate && r.plate_color === o.plate_color).map((r) => r.line);
            report.errors.push(`line ${lines.join(', ')}: plate ${o.plate} (${o.plate_color}): its validity periods overlap another registration of the same plate`);
          }
          throw new ImportRejected();
        }
        const changed = report.owners.created + report.owners.updated + report.registrations.created + report.registrations.updated;
        if (changed > 0) {
          await appendAudit(tx, {
            actor,
            entityType: 'registry',
            entityId: 'import',
            action: 'registry.import',
            data: { rows: rows.length, owners: report.owners, registrations: report.registrations },
          });
        }
      },
      { timeout: 30 * 60_000 },
    );
  } catch (err) {
    if (!(err instanceof ImportRejected)) throw err;
    report.owners = { created: 0, updated: 0, unchanged: 0 };
    report.registrations = { created: 0, updated: 0, unchanged: 0 };
  }
  return report;
};

class ImportRejected extends Error {}
