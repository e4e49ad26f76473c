import type { TDb } from '../db/client.ts';
import { appendAuditSql, draftAudit } from '../audit/index.ts';
import type { OwnerType, VehicleClass, Violation } from '../generated/prisma/enums.ts';
import { assessFine, handlingUnitFor, selectRule, type RuleCache, type TAssessment, type TFineRule, type THandlingUnit } from '../fines/index.ts';
import { limitationEndsAt, noticeDueAt } from './deadlines.ts';
import { FLAGS } from './flags.ts';

export type TAssessOutcome =
  | { kind: 'assessed'; ruleCode: string | null; fineAmount: number | null }
  | { kind: 'already-done' }
  | { kind: 'missing' };

const ACTOR = 'system:fine';

type TCaseRow = {
  id: string;
  status: string;
  violation: Violation;
  vehicle_class: VehicleClass;
  first_captured_at: Date;
  flags: string[];
  detecting_unit: string | null;
  is_expressway: boolean;
  site_province: string;
  owner_type: OwnerType | null;
  owner_address: string | null;
  owner_province: string | null;
  speed_over: number | null;
  passengers: number | null;
};

type TDecision = { c: TCaseRow; rule: TFineRule | null; fine: TAssessment | null; unit: THandlingUnit; flags: string[] };

const decide = (c: TCaseRow, rules: readonly TFineRule[], orgMultiplier: number): TDecision => {
  const rule = selectRule(rules, {
    violation: c.violation,
    vehicleClass: c.vehicle_class,
    capturedAt: c.first_captured_at,
    onExpressway: c.is_expressway,
    speedOverKmh: c.speed_over,
    passengers: c.passengers,
  });
  const owner = c.owner_province !== null ? { address: c.owner_address ?? '', province: c.owner_province } : null;
  return {
    c,
    rule,
    fine: rule ? assessFine(rule, c.owner_type, orgMultiplier) : null,
    unit: handlingUnitFor({
      detectingUnit: c.detecting_unit ?? '',
      siteProvince: c.site_province,
      owner,
      rule: rule ? { communeCompetent: rule.communeCompetent, fineMax: rule.fineMax } : null,
    }),
    flags: [...new Set([...c.flags, ...(rule ? [] : [FLAGS.NO_RULE])])],
  };
};

const assessReason = ({ rule, fine }: TDecision): string =>
  rule && fine
    ? `${rule.code} v${rule.version}: ${fine.legalBasis}, ${fine.fineAmount} VND${fine.fineMultiplier > 1 ? ` (organisation ×${fine.fineMultiplier})` : ''}, ${fine.points} points`
    : 'no fine rule fits this act on its capture date';

/**
 * The fine stage, for a batch of cases: picks the rule in force on each capture date,
 * proposes the amount, names the handling unit and the statutory dates, and puts the
 * cases before an officer. One statement moves them OWNER_RESOLVED → PENDING_REVIEW
 * with a compare-and-set and appends both transitions (→ FINE_ASSESSED, → PENDING_REVIEW)
 * to each case's audit chain. Where captures of one case disagree (two speed readings),
 * the reading most favourable to the owner is used. No matching rule → NO_RULE, never a
 * made-up fine. The case keeps the rule's id and version, so later rule changes never
 * rewrite it.
 */
export const assessCases = async (db: TDb, rules: RuleCache, orgMultiplier: number, caseIds: string[]): Promise<TAssessOutcome[]> => {
  const rows = await db.$queryRaw<TCaseRow[]>`
    SELECT c.id::text, c.status::text, c.violation, c.vehicle_class, c.first_captured_at, c.flags, c.detecting_unit,
      s.is_expressway, s.province AS site_province, o.owner_type, o.address AS owner_address, o.province AS owner_province,
      ev.speed_over, ev.passengers
    FROM "case" c JOIN site s ON s.id = c.site_id LEFT JOIN owner o ON o.id = c.owner_id
    LEFT JOIN LATERAL (
      SELECT min(e.speed_measured_kmh - e.speed_limit_kmh) AS speed_over, min(e.passenger_count) AS passengers
      FROM camera_event e WHERE e.case_id = c.id
    ) ev ON true
    WHERE c.id = ANY(${caseIds}::uuid[])`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const table = await rules.get();
  const decisions = [...new Set(caseIds)]
    .map((id) => byId.get(id))
    .filter((c): c is TCaseRow => c?.status === 'OWNER_RESOLVED')
    .map((c) => decide(c, table, orgMultiplier));

  const moved = new Set<string>();
  if (decisions.length > 0) {
    const at = new Date();
    const assessed = decisions.map((d) =>
      draftAudit({ actor: ACTOR, entityType: 'case', entityId: d.c.id, action: 'case.assess', fromState: 'OWNER_RESOLVED', toState: 'FINE_ASSESSED', reason: assessReason(d), data: { handlingUnit: d.unit.kind } }, at),
    );
    const queued = decisions.map((d) =>
      draftAudit({ actor: ACTOR, entityType: 'case', entityId: d.c.id, action: 'case.queue-for-review', fromState: 'FINE_ASSESSED', toState: 'PENDING_REVIEW', reason: d.flags.length ? `flags: ${d.flags.join(', ')}` : 'ready for officer review' }, at),
    );
    const col = <T>(f: (d: TDecision) => T) => decisions.map(f);
    const result = await db.$queryRaw<{ id: string }[]>`
      WITH input AS (
        SELECT * FROM unnest(${col((d) => d.c.id)}::uuid[], ${col((d) => d.rule?.id ?? null)}::uuid[], ${col((d) => d.rule?.version ?? null)}::int[],
          ${col((d) => d.fine?.fineMin ?? null)}::int[], ${col((d) => d.fine?.fineMax ?? null)}::int[], ${col((d) => d.fine?.fineAmount ?? null)}::int[],
          ${col((d) => d.fine?.fineMultiplier ?? null)}::int[], ${col((d) => d.fine?.points ?? null)}::int[], ${col((d) => d.fine?.legalBasis ?? null)}::text[],
          ${col((d) => d.unit.kind)}::text[], ${col((d) => d.unit.name)}::text[],
          ${col((d) => noticeDueAt(d.c.first_captured_at).toISOString())}::timestamptz[],
          ${col((d) => limitationEndsAt(d.c.first_captured_at).toISOString())}::timestamptz[], ${col((d) => d.flags.join(','))}::text[])
        AS t(id, rule_id, rule_version, fine_min, fine_max, fine_amount, multiplier, points, legal_basis, unit_kind, unit, notice_due, limitation, flags)
      ), moved AS (
        UPDATE "case" c SET status = 'PENDING_REVIEW', fine_rule_id = i.rule_id, fine_rule_version = i.rule_version,
          fine_min = i.fine_min, fine_max = i.fine_max, fine_amount = i.fine_amount, fine_multiplier = i.multiplier, points = i.points,
          legal_basis = i.legal_basis, handling_unit_kind = i.unit_kind, handling_unit = i.unit, notice_due_at = i.notice_due,
          limitation_ends_at = i.limitation, flags = coalesce(string_to_array(nullif(i.flags, ''), ','), '{}'), updated_at = now()
        FROM input i WHERE c.id = i.id AND c.status = 'OWNER_RESOLVED'
        RETURNING c.id
      ), assessed AS (${appendAuditSql(assessed, 'moved')}
      ), queued AS (${appendAuditSql(queued, 'moved', 'assessed')})
      SELECT id::text FROM moved`;
    for (const r of result) moved.add(r.id);
  }

  const decided = new Map(decisions.map((d) => [d.c.id, d]));
  return caseIds.map((id): TAssessOutcome => {
    if (!byId.has(id)) return { kind: 'missing' };
    const d = decided.get(id);
    if (!d || !moved.has(id)) return { kind: 'already-done' };
    return { kind: 'assessed', ruleCode: d.rule?.code ?? null, fineAmount: d.fine?.fineAmount ?? null };
  });
};

/** One case through the fine stage (see assessCases). */
export const assessCase = async (db: TDb, rules: RuleCache, orgMultiplier: number, caseId: string): Promise<TAssessOutcome> =>
  (await assessCases(db, rules, orgMultiplier, [caseId]))[0]!;
