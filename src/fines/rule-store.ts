import type { TDb, TTx } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import { appendAudit } from '../audit/index.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { StampedCache } from '../shared/stamped-cache.ts';
import { pendingAmendments } from './amendment-store.ts';
import type { TPendingAmendment } from './outdated-rules.ts';
import { ruleKey, type TConditions, type TFineRule, type TWithdrawal } from './rule-file.ts';

export type TRulePlan = {
  add: TFineRule[];
  unchanged: TFineRule[];
  /** Same code and version as a stored rule but different content: refused. */
  conflicts: { rule: TFineRule; differences: string[] }[];
  /** Loaded rows found wrong, to withdraw now. */
  withdraw: { rule: TFineRule; withdrawal: TWithdrawal }[];
  /** Withdrawals already applied (a file loaded again changes nothing). */
  alreadyWithdrawn: TWithdrawal[];
  /** Withdrawals of rows this database never loaded: nothing to withdraw. */
  notLoaded: TWithdrawal[];
};

const day = (d: Date | null): string | null => (d ? d.toISOString().slice(0, 10) : null);

const fromRow = (r: Prisma.FineRuleGetPayload<object>): TFineRule => ({
  id: r.id,
  code: r.code,
  version: r.version,
  violation: r.violation,
  vehicleClasses: r.vehicleClasses,
  conditions: r.conditions as TConditions,
  fineMin: r.fineMin,
  fineMax: r.fineMax,
  points: r.points,
  decree: r.decree,
  article: r.article,
  clause: r.clause,
  point: r.point,
  communeCompetent: r.communeCompetent,
  effectiveFrom: day(r.effectiveFrom)!,
  effectiveTo: day(r.effectiveTo),
  source: r.source,
  withdrawnAt: r.withdrawnAt,
});

const COMPARED = ['violation', 'vehicleClasses', 'conditions', 'fineMin', 'fineMax', 'points', 'decree', 'article', 'clause', 'point', 'communeCompetent', 'effectiveFrom', 'effectiveTo'] as const;

export const loadAllRules = async (db: TTx): Promise<TFineRule[]> => (await db.fineRule.findMany()).map(fromRow);

/** The ids of withdrawn rows: cases assessed with them are assessed again. */
export const withdrawnRuleIds = async (db: TTx): Promise<string[]> =>
  (await db.fineRule.findMany({ where: { withdrawnAt: { not: null } }, select: { id: true } })).map((r) => r.id);

/** The text stored as a withdrawn row's reason: why, and the provision that shows it. */
const withdrawnReason = (w: TWithdrawal): string =>
  `${w.reason} (${w.citation})${w.replacedBy.length ? `; replaced by ${w.replacedBy.join(', ')}` : ''}`;

/** What loading these rules (and withdrawing these rows) would change; nothing is written. */
export const planRules = async (db: TTx, rules: TFineRule[], withdraws: readonly TWithdrawal[] = []): Promise<TRulePlan> => {
  const stored = new Map((await loadAllRules(db)).map((r) => [ruleKey(r), r]));
  const plan: TRulePlan = { add: [], unchanged: [], conflicts: [], withdraw: [], alreadyWithdrawn: [], notLoaded: [] };
  for (const withdrawal of withdraws) {
    const rule = stored.get(ruleKey(withdrawal));
    if (!rule) plan.notLoaded.push(withdrawal);
    else if (rule.withdrawnAt) plan.alreadyWithdrawn.push(withdrawal);
    else plan.withdraw.push({ rule, withdrawal });
  }
  for (const rule of rules) {
    const old = stored.get(ruleKey(rule));
    if (!old) {
      plan.add.push(rule);
      continue;
    }
    const differences = COMPARED.filter((k) => canonicalJson(old[k]) !== canonicalJson(rule[k])).map(
      (k) => `${k}: ${canonicalJson(old[k])} → ${canonicalJson(rule[k])}`,
    );
    if (differences.length === 0) plan.unchanged.push(rule);
    else plan.conflicts.push({ rule, differences });
  }
  return plan;
};

/** A rule file would edit a loaded rule (amendments arrive as new rows). */
export class RuleConflictError extends AppError {
  constructor(message: string) {
    super('CONFLICT', message);
    this.name = 'RuleConflictError';
  }
}

/**
 * Adds the new rules of a plan and withdraws the loaded rows it names, in one transaction,
 * each audited. Refuses the whole file if it would edit a stored rule: assessed cases
 * point at rule rows, so a changed provision arrives as a new version or a new code, and
 * a wrong row is withdrawn (never edited or deleted). Loading the same file again changes
 * nothing. Cases assessed with a withdrawn row are the caller's to re-assess
 * (src/cases reassessCases).
 */
export const applyRules = async (db: TDb, rules: TFineRule[], actor: string, withdraws: readonly TWithdrawal[] = []): Promise<TRulePlan> => {
  return db.$transaction(async (tx) => {
    const plan = await planRules(tx, rules, withdraws);
    if (plan.conflicts.length > 0) {
      throw new RuleConflictError(
        plan.conflicts.map((c) => `${c.rule.code}@${c.rule.version} is already loaded with other content (${c.differences.join('; ')}); add it as a new version`).join('\n'),
      );
    }
    if (plan.add.length > 0) await addRules(tx, plan.add, actor);
    const at = new Date();
    for (const { rule, withdrawal } of plan.withdraw) {
      // Only a row not yet withdrawn: a concurrent load of the same file withdraws it once.
      const { count } = await tx.fineRule.updateMany({
        where: { id: rule.id!, withdrawnAt: null },
        data: { withdrawnAt: at, withdrawnReason: withdrawnReason(withdrawal) },
      });
      if (count === 0) continue;
      await appendAudit(tx, {
        actor,
        entityType: 'fine_rule',
        entityId: rule.id!,
        action: 'fines.withdraw',
        reason: withdrawnReason(withdrawal),
        data: { rule: ruleKey(rule), citation: withdrawal.citation, replacedBy: withdrawal.replacedBy },
      });
    }
    return plan;
  });
};

const addRules = async (tx: TTx, add: TFineRule[], actor: string): Promise<void> => {
  await tx.fineRule.createMany({
    data: add.map(({ id: _id, withdrawnAt: _w, effectiveFrom, effectiveTo, ...rule }) => ({
      ...rule,
      effectiveFrom: new Date(`${effectiveFrom}T00:00:00Z`),
      effectiveTo: effectiveTo ? new Date(`${effectiveTo}T00:00:00Z`) : null,
    })),
  });
  await appendAudit(tx, {
    actor,
    entityType: 'fine_rules',
    entityId: add[0]!.decree,
    action: 'fines.load',
    data: { added: add.map(ruleKey) },
  });
};

/**
 * The rule table (and the amendments not yet applied to it) as the fine stage reads them:
 * loaded from the database, kept for `ttlMs`, and loaded again as soon as a rule row was
 * added or withdrawn or an amendment recorded or reviewed (one small aggregate query per
 * call tells; rows are never edited otherwise): a withdrawal or a review must reach the
 * workers before the cases it sends back to the fine stage do, or they would be assessed
 * with the old table again.
 */
export class RuleCache {
  private readonly cache: StampedCache<{ rules: TFineRule[]; pending: TPendingAmendment[] }>;

  constructor(db: TDb, ttlMs = 60_000) {
    this.cache = new StampedCache(
      async () => {
        const [row] = await db.$queryRaw<{ stamp: string }[]>`
          SELECT (SELECT count(*) || '/' || count(withdrawn_at) || '/' || coalesce(max(loaded_at)::text, '') || '/' || coalesce(max(withdrawn_at)::text, '') FROM fine_rule)
            || '/' || (SELECT count(*) || '/' || count(reviewed_at) FROM rule_amendment) AS stamp`;
        return row!.stamp;
      },
      async () => {
        const [rules, pending] = await Promise.all([loadAllRules(db), pendingAmendments(db)]);
        return { rules, pending };
      },
      ttlMs,
    );
  }

  async get(): Promise<TFineRule[]> {
    return (await this.cache.get()).rules;
  }

  /** Amendments in force on some date whose rows are not loaded (see outdated-rules.ts). */
  async pendingAmendments(): Promise<TPendingAmendment[]> {
    return (await this.cache.get()).pending;
  }
}
