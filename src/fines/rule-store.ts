import type { TDb, TTx } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import { appendAudit } from '../audit/index.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { pendingAmendments } from './amendment-store.ts';
import type { TPendingAmendment } from './outdated-rules.ts';
import type { TConditions, TFineRule } from './rule-file.ts';

export type TRulePlan = {
  add: TFineRule[];
  unchanged: TFineRule[];
  /** Same code and version as a stored rule but different content: refused. */
  conflicts: { rule: TFineRule; differences: string[] }[];
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
});

const COMPARED = ['violation', 'vehicleClasses', 'conditions', 'fineMin', 'fineMax', 'points', 'decree', 'article', 'clause', 'point', 'communeCompetent', 'effectiveFrom', 'effectiveTo'] as const;

export const loadAllRules = async (db: TTx): Promise<TFineRule[]> => (await db.fineRule.findMany()).map(fromRow);

/** What loading these rules would change; nothing is written. */
export const planRules = async (db: TTx, rules: TFineRule[]): Promise<TRulePlan> => {
  const stored = new Map((await loadAllRules(db)).map((r) => [`${r.code}@${r.version}`, r]));
  const plan: TRulePlan = { add: [], unchanged: [], conflicts: [] };
  for (const rule of rules) {
    const old = stored.get(`${rule.code}@${rule.version}`);
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
 * Adds the new rules of a plan. Refuses the whole file if it would edit a stored rule:
 * assessed cases point at rule rows, so a changed provision must arrive as a new version
 * or a new code with its own effective dates.
 */
export const applyRules = async (db: TDb, rules: TFineRule[], actor: string): Promise<TRulePlan> => {
  return db.$transaction(async (tx) => {
    const plan = await planRules(tx, rules);
    if (plan.conflicts.length > 0) {
      throw new RuleConflictError(
        plan.conflicts.map((c) => `${c.rule.code}@${c.rule.version} is already loaded with other content (${c.differences.join('; ')}); add it as a new version`).join('\n'),
      );
    }
    if (plan.add.length === 0) return plan;
    await tx.fineRule.createMany({
      data: plan.add.map(({ id: _id, effectiveFrom, effectiveTo, ...rule }) => ({
        ...rule,
        effectiveFrom: new Date(`${effectiveFrom}T00:00:00Z`),
        effectiveTo: effectiveTo ? new Date(`${effectiveTo}T00:00:00Z`) : null,
      })),
    });
    await appendAudit(tx, {
      actor,
      entityType: 'fine_rules',
      entityId: plan.add[0]!.decree,
      action: 'fines.load',
      data: { added: plan.add.map((r) => `${r.code}@${r.version}`) },
    });
    return plan;
  });
};

/**
 * The rule table (and the amendments not yet applied to it) as the fine stage reads them:
 * loaded from the database and kept for `ttlMs`, so rules loaded by an operator reach
 * running workers within that time.
 */
export class RuleCache {
  private table: { rules: TFineRule[]; pending: TPendingAmendment[] } | undefined;
  private loadedAt = 0;

  constructor(
    private readonly db: TDb,
    private readonly ttlMs = 60_000,
  ) {}

  async get(): Promise<TFineRule[]> {
    return (await this.current()).rules;
  }

  /** Amendments in force on some date whose rows are not loaded (see outdated-rules.ts). */
  async pendingAmendments(): Promise<TPendingAmendment[]> {
    return (await this.current()).pending;
  }

  private async current() {
    if (!this.table || Date.now() - this.loadedAt > this.ttlMs) {
      const [rules, pending] = await Promise.all([loadAllRules(this.db), pendingAmendments(this.db)]);
      this.table = { rules, pending };
      this.loadedAt = Date.now();
    }
    return this.table;
  }
}
