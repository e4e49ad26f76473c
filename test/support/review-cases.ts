import { randomUUID } from 'node:crypto';
import type { TDb } from '../../src/db/index.ts';
import type { TPrincipal, TRole } from '../../src/review/index.ts';

export const AGENCY_A = randomUUID();
export const AGENCY_B = randomUUID();

let n = 0;
/** An officer of `agency` (scope: that agency only), as src/accounts would make them. */
export const officer = (roles: TRole[] = ['REVIEWER'], agency = AGENCY_A): TPrincipal => {
  n++;
  return { officerId: randomUUID(), username: `officer${n}`, fullName: `Cán bộ ${n}`, agencyId: agency, agencyCode: agency === AGENCY_A ? 'PC08-HCM' : 'PC08-HN', roles, scopeAgencyIds: [agency], via: 'bearer' };
};

export type TSeedCase = { agency?: string; flags?: string[]; dueInDays?: number; fineMin?: number; fineMax?: number; fineAmount?: number | null; status?: string; plate?: string };

/**
 * `count` cases waiting for review at the site, straight in SQL (as the pipeline leaves
 * them: assessed, a notice deadline `dueInDays` from now, 1 day apart by default).
 */
export const seedReviewCases = async (db: TDb, siteCode: string, count: number, o: TSeedCase = {}): Promise<string[]> => {
  // The detecting agencies are rows of their own (cases refer to them).
  for (const [id, code] of [[AGENCY_A, 'PC08-HCM-A'], [AGENCY_B, 'PC08-HN-B']] as const) {
    await db.agency.upsert({ where: { id }, create: { id, code: `${code}-${id.slice(0, 4)}`, name: `Đơn vị ${code}`, provinceCode: '01' }, update: {} });
  }
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "case" (id, plate, plate_raw, plate_color, violation, vehicle_class, site_id, status, flags, first_captured_at, last_captured_at,
      fine_min, fine_max, fine_amount, points, legal_basis, notice_due_at, detecting_agency_id, updated_at)
    SELECT gen_random_uuid(), '51F' || lpad(g::text, 5, '0'), '51F-' || g, 'WHITE', 'RED_LIGHT', 'CAR', s.id, ${o.status ?? 'PENDING_REVIEW'}::"CaseStatus",
      ${o.flags ?? []}::text[], now() - interval '1 day', now() - interval '1 day',
      ${o.fineMin ?? 18_000_000}, ${o.fineMax ?? 20_000_000}, ${o.fineAmount === undefined ? 19_000_000 : o.fineAmount}, 4,
      'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP', now() + make_interval(days => ${o.dueInDays ?? 5}::int + g), ${o.agency ?? AGENCY_A}::uuid, now()
    FROM generate_series(1, ${count}::int) g, site s WHERE s.code = ${siteCode}
    RETURNING id::text`;
  return rows.map((r) => r.id);
};
