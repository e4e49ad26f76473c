import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { TDb } from '../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import { OwnerType, PlateColor, VehicleClass } from '../generated/prisma/enums.ts';
import { parsePlate } from '../plates/index.ts';

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

const ownerKey = (r: TRow) => `${r.owner_type}|${r.owner_id}`;

/**
 * Imports registrations and their owners. All or nothing: a file with any bad row, or
 * whose periods would overlap another registration of the same plate and colour, changes
 * nothing. Importing the same file again changes nothing either.
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

  try {
    await db.$transaction(
      async (tx) => {
        const ownerIds = new Map<string, string>();
        for (const r of rows) {
          const key = ownerKey(r);
          if (ownerIds.has(key)) continue;
          const data = { name: r.owner_name, address: r.address, province: r.province, email: r.email, phone: r.phone };
          const existing = await tx.owner.findUnique({ where: { ownerType_idNumber: { ownerType: r.owner_type, idNumber: r.owner_id } } });
          if (!existing) {
            const created = await tx.owner.create({ data: { ownerType: r.owner_type, idNumber: r.owner_id, ...data } });
            ownerIds.set(key, created.id);
            report.owners.created++;
          } else {
            ownerIds.set(key, existing.id);
            const same = Object.entries(data).every(([k, v]) => existing[k as keyof typeof data] === v);
            if (same) report.owners.unchanged++;
            else {
              await tx.owner.update({ where: { id: existing.id }, data });
              report.owners.updated++;
            }
          }
        }
        for (const r of rows) {
          const ownerId = ownerIds.get(ownerKey(r))!;
          const data = { vehicleClass: r.vehicle_class, make: r.make, model: r.model, color: r.color, ownerId, validTo: r.valid_to };
          const where = { plate_plateColor_validFrom: { plate: r.normalised, plateColor: r.plate_color, validFrom: r.valid_from } };
          const existing = await tx.registration.findUnique({ where });
          if (!existing) {
            await tx.registration.create({ data: { plate: r.normalised, plateColor: r.plate_color, validFrom: r.valid_from, ...data } });
            report.registrations.created++;
          } else if (
            existing.vehicleClass === data.vehicleClass && existing.make === data.make && existing.model === data.model &&
            existing.color === data.color && existing.ownerId === ownerId && (existing.validTo?.getTime() ?? null) === (data.validTo?.getTime() ?? null)
          ) {
            report.registrations.unchanged++;
          } else {
            await tx.registration.update({ where, data });
            report.registrations.updated++;
          }
        }
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
      { timeout: 300_000 },
    );
  } catch (err) {
    if (!(err instanceof ImportRejected)) throw err;
    report.owners = { created: 0, updated: 0, unchanged: 0 };
    report.registrations = { created: 0, updated: 0, unchanged: 0 };
  }
  return report;
};

class ImportRejected extends Error {}
