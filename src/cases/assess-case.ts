import type { TDb } from '../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import { assessFine, handlingUnitFor, selectRule, type RuleCache } from '../fines/index.ts';
import { limitationEndsAt, noticeDueAt } from './deadlines.ts';
import { FLAGS } from './flags.ts';

export type TAssessOutcome =
  | { kind: 'assessed'; ruleCode: string | null; fineAmount: number | null }
  | { kind: 'already-done' }
  | { kind: 'missing' };

const ACTOR = 'system:fine';

const minOf = (values: (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? Math.min(...present) : null;
};

/**
 * The fine stage: picks the rule in force on the capture date, proposes the amount, names
 * the handling unit and the statutory dates, and puts the case before an officer
 * (OWNER_RESOLVED → FINE_ASSESSED → PENDING_REVIEW, both audited, in one transaction).
 * Where captures of one case disagree (two speed readings), the reading most favourable
 * to the owner is used. No matching rule → NO_RULE, never a made-up fine. The case keeps
 * the rule's id and version, so later rule changes never rewrite it.
 */
export const assessCase = async (db: TDb, rules: RuleCache, orgMultiplier: number, caseId: string): Promise<TAssessOutcome> => {
  const c = await db.case.findUnique({
    where: { id: caseId },
    include: {
      site: { select: { isExpressway: true, province: true } },
      owner: { select: { ownerType: true, address: true, province: true } },
      events: { select: { speedMeasuredKmh: true, speedLimitKmh: true, passengerCount: true } },
    },
  });
  if (!c) return { kind: 'missing' };
  if (c.status !== 'OWNER_RESOLVED') return { kind: 'already-done' };

  const speedOver = minOf(c.events.map((e) => (e.speedMeasuredKmh !== null && e.speedLimitKmh !== null ? e.speedMeasuredKmh - e.speedLimitKmh : null)));
  const rule = selectRule(await rules.get(), {
    violation: c.violation,
    vehicleClass: c.vehicleClass,
    capturedAt: c.firstCapturedAt,
    onExpressway: c.site.isExpressway,
    speedOverKmh: speedOver,
    passengers: minOf(c.events.map((e) => e.passengerCount)),
  });
  const fine = rule ? assessFine(rule, c.owner?.ownerType ?? null, orgMultiplier) : null;
  const unit = handlingUnitFor({
    detectingUnit: c.detectingUnit ?? '',
    siteProvince: c.site.province,
    owner: c.owner,
    rule: rule ? { communeCompetent: rule.communeCompetent, fineMax: rule.fineMax } : null,
  });
  const flags = rule ? [] : [FLAGS.NO_RULE];

  return db.$transaction(async (tx) => {
    const moved = await tx.case.updateMany({
      where: { id: caseId, status: 'OWNER_RESOLVED' },
      data: {
        status: 'FINE_ASSESSED',
        fineRuleId: rule?.id ?? null,
        fineRuleVersion: rule?.version ?? null,
        fineMin: fine?.fineMin ?? null,
        fineMax: fine?.fineMax ?? null,
        fineAmount: fine?.fineAmount ?? null,
        fineMultiplier: fine?.fineMultiplier ?? null,
        points: fine?.points ?? null,
        legalBasis: fine?.legalBasis ?? null,
        handlingUnitKind: unit.kind,
        handlingUnit: unit.name,
        noticeDueAt: noticeDueAt(c.firstCapturedAt),
        limitationEndsAt: limitationEndsAt(c.firstCapturedAt),
        flags: { set: [...new Set([...c.flags, ...flags])] },
      },
    });
    if (moved.count !== 1) return { kind: 'already-done' } as const;
    await appendAudit(tx, {
      actor: ACTOR,
      entityType: 'case',
      entityId: caseId,
      action: 'case.assess',
      fromState: 'OWNER_RESOLVED',
      toState: 'FINE_ASSESSED',
      reason: rule
        ? `${rule.code} v${rule.version}: ${fine!.legalBasis}, ${fine!.fineAmount} VND${fine!.fineMultiplier > 1 ? ` (organisation ×${fine!.fineMultiplier})` : ''}, ${fine!.points} points`
        : 'no fine rule fits this act on its capture date',
      data: { handlingUnit: unit.kind },
    });
    await tx.case.updateMany({ where: { id: caseId, status: 'FINE_ASSESSED' }, data: { status: 'PENDING_REVIEW' } });
    await appendAudit(tx, {
      actor: ACTOR,
      entityType: 'case',
      entityId: caseId,
      action: 'case.queue-for-review',
      fromState: 'FINE_ASSESSED',
      toState: 'PENDING_REVIEW',
      reason: c.flags.length + flags.length ? `flags: ${[...new Set([...c.flags, ...flags])].join(', ')}` : 'ready for officer review',
    });
    return { kind: 'assessed', ruleCode: rule?.code ?? null, fineAmount: fine?.fineAmount ?? null } as const;
  });
};
