import { siteFacts } from '../cameras/index.ts';
import { limitationEnds, noticeDue, vietnamDate, type CalendarCache, type TDeadline } from '../clock/index.ts';
import { provincialDivisions } from '../accounts/index.ts';
import type { TDb } from '../db/index.ts';
import { caseMeasurements } from '../events/index.ts';
import type { CaseStatus, VehicleClass, Violation } from '../generated/prisma/enums.ts';
import {
  amendmentsNotApplied,
  assessFine,
  handlingUnitFor,
  selectRule,
  type RuleCache,
  type TAssessment,
  type TFineRule,
  type THandlingUnit,
  type TOrgFinePolicy,
} from '../fines/index.ts';
import { ownerFacts } from '../registry/index.ts';
import { connectedCommunePolice, provinceUnit } from '../units/index.ts';
import { moveEntities, type TSetColumn } from '../workflow/index.ts';
import { CASE_MACHINE } from './case-machine.ts';
import { ACTS_TO_CONFIRM, FLAGS } from './flags.ts';

export type TAssessOutcome =
  | { kind: 'assessed'; ruleCode: string | null; fineAmount: number | null }
  | { kind: 'already-done' }
  | { kind: 'missing' };

type TCaseRow = {
  id: string;
  status: CaseStatus;
  violation: Violation;
  vehicleClass: VehicleClass;
  firstCapturedAt: Date;
  flags: string[];
  detectingUnit: string | null;
  detectingAgencyId: string | null;
  siteId: string;
  ownerId: string | null;
};

type TDecision = {
  id: string;
  from: CaseStatus;
  rule: TFineRule | null;
  fine: TAssessment | null;
  unit: THandlingUnit;
  /** The agency of the handling unit, where one is on record. */
  handlingAgencyId: string | null;
  /** The flags this stage sets (of FINE_STAGE_FLAGS), and the case's flags after it. */
  stageFlags: string[];
  flags: string[];
  /** Amending decrees in force at capture whose rows are not loaded. */
  outdatedBy: string[];
  noticeDue: TDeadline;
  limitation: TDeadline;
};

/**
 * The flags the fine stage owns: it sets or lifts them on every assessment, and only them
 * (OWNER_ADDRESS_UNMATCHED and SITE_PROVINCE_UNMATCHED: the handling unit could not be
 * determined; HOLIDAYS_UNCONFIRMED: the notice deadline was counted over a year whose
 * holidays are not loaded or only provisional; ORGANISATION_OWNER: a supervisor decides
 * the amount and no points are deducted; ACT_TO_CONFIRM: the act's code may stand for
 * another act).
 */
export const FINE_STAGE_FLAGS = [
  FLAGS.NO_RULE,
  FLAGS.RULES_MAY_BE_OUTDATED,
  FLAGS.OWNER_ADDRESS_UNMATCHED,
  FLAGS.SITE_PROVINCE_UNMATCHED,
  FLAGS.HOLIDAYS_UNCONFIRMED,
  FLAGS.ORGANISATION_OWNER,
  FLAGS.ACT_TO_CONFIRM,
];

/**
 * What the fine stage writes, cleared: a case sent back (re-assessed, re-resolved, its
 * plate corrected) has its rule, amount, points, legal basis and handling unit written
 * afresh. Its own flags are each caller's to clear with the rest it resets.
 */
export const FINE_FIELDS_CLEARED: Record<string, TSetColumn<unknown>> = {
  fine_rule_id: ['uuid', () => null],
  fine_rule_version: ['int', () => null],
  fine_min: ['int', () => null],
  fine_max: ['int', () => null],
  fine_amount: ['int', () => null],
  fine_multiplier: ['int', () => null],
  points: ['int', () => null],
  legal_basis: ['text', () => null],
  handling_unit_kind: ['text', () => null],
  handling_unit: ['text', () => null],
  handling_province_code: ['text', () => null],
  handling_agency_id: ['uuid', () => null],
};

/** The states the fine stage takes a case on from, and the path it moves it along. */
const PATHS = {
  OWNER_RESOLVED: ['OWNER_RESOLVED', 'FINE_ASSESSED', 'PENDING_REVIEW'],
  FINE_ASSESSED: ['FINE_ASSESSED', 'PENDING_REVIEW'],
} as const satisfies Partial<Record<CaseStatus, readonly CaseStatus[]>>;

const pointsText = (fine: TAssessment): string =>
  fine.points === fine.rulePoints
    ? `${fine.points} points`
    : `0 points (organisation owner: the rule's ${fine.rulePoints} points go on the driver's licence once identified, Decree 168 Art 50)`;

const assessReason = ({ rule, fine, outdatedBy }: TDecision): string =>
  (rule && fine
    ? `${rule.code} v${rule.version}: ${fine.legalBasis}, ${fine.fineAmount} VND${fine.fineMultiplier > 1 ? ` (organisation ×${fine.fineMultiplier})` : ''}, ${pointsText(fine)}`
    : 'no fine rule fits this act on its capture date') +
  (outdatedBy.length ? `; not applied, in force at capture: ${outdatedBy.join(', ')}` : '');

/**
 * The fine stage, for a batch of cases: picks the rule in force on each capture date,
 * proposes the amount, names the handling unit (or flags why it cannot: an owner address
 * or site that names no province-level unit) and the statutory dates, and puts the
 * cases before an officer: OWNER_RESOLVED → FINE_ASSESSED → PENDING_REVIEW in one
 * statement of the case machine (both steps audited). Where captures of one case
 * disagree (two speed readings), the reading most favourable to the owner is used. No
 * matching rule → NO_RULE, never a made-up fine. The case keeps the rule's id and
 * version, so later rule changes never rewrite it.
 */
export const assessCases = async (db: TDb, rules: RuleCache, calendar: CalendarCache, org: TOrgFinePolicy, caseIds: string[]): Promise<TAssessOutcome[]> => {
  const rows: TCaseRow[] = await db.case.findMany({
    where: { id: { in: caseIds } },
    select: { id: true, status: true, violation: true, vehicleClass: true, firstCapturedAt: true, flags: true, detectingUnit: true, detectingAgencyId: true, siteId: true, ownerId: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const todo = rows.filter((c) => c.status in PATHS);
  const [table, pending, cal, sites, owners, measured, divisions] = await Promise.all([
    rules.get(),
    rules.pendingAmendments(),
    calendar.get(),
    siteFacts(db, todo.map((c) => c.siteId)),
    ownerFacts(db, todo.flatMap((c) => (c.ownerId ? [c.ownerId] : []))),
    caseMeasurements(db, todo.map((c) => c.id)),
    provincialDivisions(db),
  ]);
  const readings = new Map(measured.map((m) => [m.case_id, m]));
  const connected = await connectedCommunePolice(db, [...owners.values()].flatMap((o) => (o.provinceCode ? [o.provinceCode] : [])));

  const decisions = todo.map((c): TDecision => {
    const site = sites.get(c.siteId)!;
    const owner = c.ownerId ? owners.get(c.ownerId) ?? null : null;
    const m = readings.get(c.id);
    const rule = selectRule(table, {
      violation: c.violation,
      vehicleClass: c.vehicleClass,
      capturedAt: c.firstCapturedAt,
      onExpressway: site.isExpressway,
      inUrbanArea: site.isUrban,
      inResidentialArea: site.isResidential,
      onBridge: site.isBridge,
      inTunnel: site.isTunnel,
      speedOverKmh: m?.speed_over ?? null,
      passengers: m?.passengers ?? null,
    });
    const outdatedBy = amendmentsNotApplied(pending, vietnamDate(c.firstCapturedAt), rule).map((a) => a.decree);
    const unit = handlingUnitFor({
      detectingUnit: c.detectingUnit ?? '',
      siteProvinceCode: site.provinceCode,
      owner,
      ownerUnitName: owner?.provinceCode ? (provinceUnit(owner.provinceCode)?.name ?? null) : null,
      rule: rule ? { communeCompetent: rule.communeCompetent, fineMax: rule.fineMax } : null,
      communePoliceConnected: owner?.provinceCode ? connected.has(owner.provinceCode) : false,
    });
    const due = noticeDue(c.firstCapturedAt, cal);
    const stageFlags = [
      ...(rule ? [] : [FLAGS.NO_RULE]),
      ...(outdatedBy.length ? [FLAGS.RULES_MAY_BE_OUTDATED] : []),
      ...(unit.kind === 'UNDETERMINED' ? [FLAGS[unit.reason]] : []),
      ...(due.unconfirmedYears.length ? [FLAGS.HOLIDAYS_UNCONFIRMED] : []),
      ...(owner?.ownerType === 'ORGANISATION' ? [FLAGS.ORGANISATION_OWNER] : []),
      ...(ACTS_TO_CONFIRM.has(c.violation) ? [FLAGS.ACT_TO_CONFIRM] : []),
    ];
    return {
      id: c.id,
      from: c.status,
      rule,
      fine: rule ? assessFine(rule, owner?.ownerType ?? null, org) : null,
      unit,
      handlingAgencyId:
        unit.kind === 'DETECTING_UNIT'
          ? c.detectingAgencyId
          : unit.kind === 'PROVINCIAL_TRAFFIC_POLICE' && unit.provinceCode
            ? divisions.get(unit.provinceCode) ?? null
            : null,
      stageFlags,
      flags: [...new Set([...c.flags.filter((f) => !(FINE_STAGE_FLAGS as string[]).includes(f)), ...stageFlags])],
      outdatedBy,
      noticeDue: due,
      limitation: limitationEnds(c.firstCapturedAt),
    };
  });

  const moved = new Set<string>();
  for (const from of Object.keys(PATHS) as (keyof typeof PATHS)[]) {
    const group = decisions.filter((d) => d.from === from);
    const ids = await moveEntities(db, CASE_MACHINE, {
      path: PATHS[from],
      rows: group,
      id: (d) => d.id,
      why: (d, step) =>
        step.to === 'FINE_ASSESSED'
          ? {
              reason: assessReason(d),
              data: {
                handlingUnit: d.unit.kind,
                ...(d.unit.kind === 'UNDETERMINED' ? {} : { handlingProvinceCode: d.unit.provinceCode }),
                ...(d.fine ? { rulePoints: d.fine.rulePoints } : {}),
              },
            }
          : { reason: d.flags.length ? `flags: ${d.flags.join(', ')}` : 'ready for officer review' },
      set: {
        fine_rule_id: ['uuid', (d) => d.rule?.id ?? null],
        fine_rule_version: ['int', (d) => d.rule?.version ?? null],
        fine_min: ['int', (d) => d.fine?.fineMin ?? null],
        fine_max: ['int', (d) => d.fine?.fineMax ?? null],
        fine_amount: ['int', (d) => d.fine?.fineAmount ?? null],
        fine_multiplier: ['int', (d) => d.fine?.fineMultiplier ?? null],
        points: ['int', (d) => d.fine?.points ?? null],
        legal_basis: ['text', (d) => d.fine?.legalBasis ?? null],
        handling_unit_kind: ['text', (d) => (d.unit.kind === 'UNDETERMINED' ? null : d.unit.kind)],
        handling_unit: ['text', (d) => (d.unit.kind === 'UNDETERMINED' ? null : d.unit.name)],
        handling_province_code: ['text', (d) => (d.unit.kind === 'UNDETERMINED' ? null : d.unit.provinceCode)],
        handling_agency_id: ['uuid', (d) => d.handlingAgencyId],
        notice_due_at: ['timestamptz', (d) => d.noticeDue.at],
        limitation_ends_at: ['timestamptz', (d) => d.limitation.at],
        // Only FINE_STAGE_FLAGS are this stage's to set or lift: the others may have changed
        // since the case was read (a confident capture merged meanwhile lifts LOW_CONFIDENCE_READ).
        flags: [
          'text',
          (d) => d.stageFlags.join(','),
          `ARRAY(SELECT DISTINCT f FROM unnest(t.flags) AS f WHERE f <> ALL ('{${FINE_STAGE_FLAGS.join(',')}}'::text[]) UNION SELECT f FROM unnest(string_to_array(i.flags, ',')) AS f WHERE f <> '')`,
        ],
      },
    });
    for (const id of ids) moved.add(id);
  }

  const decided = new Map(decisions.map((d) => [d.id, d]));
  return caseIds.map((id): TAssessOutcome => {
    if (!byId.has(id)) return { kind: 'missing' };
    const d = decided.get(id);
    if (!d || !moved.has(id)) return { kind: 'already-done' };
    return { kind: 'assessed', ruleCode: d.rule?.code ?? null, fineAmount: d.fine?.fineAmount ?? null };
  });
};

/** One case through the fine stage (see assessCases). */
export const assessCase = async (db: TDb, rules: RuleCache, calendar: CalendarCache, org: TOrgFinePolicy, caseId: string): Promise<TAssessOutcome> =>
  (await assessCases(db, rules, calendar, org, [caseId]))[0]!;
