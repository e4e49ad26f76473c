import { appendAudit } from '../audit/index.ts';
import type { TDb, TTx } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { TAmendment } from './amendment-file.ts';
import type { TPendingAmendment } from './outdated-rules.ts';

export type TAmendmentStatus = 'PENDING' | 'LOADED' | 'REVIEWED';
export type TStoredAmendment = TAmendment & { status: TAmendmentStatus; reviewNote: string | null };

const COMPARED = ['amends', 'title', 'effectiveFrom', 'articles', 'sourceNote'] as const;

const asDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * Every known amendment and where it stands: LOADED once a rule file of that decree is
 * in the fine tables, REVIEWED once an operator recorded that the loaded rows already
 * reflect it, PENDING otherwise (cases it may affect are flagged).
 */
export const listAmendments = async (db: TTx): Promise<TStoredAmendment[]> => {
  const [rows, loaded] = await Promise.all([
    db.ruleAmendment.findMany({ orderBy: { effectiveFrom: 'asc' } }),
    // A table of the amending decree records it as the rows' source.
    db.fineRule.findMany({ distinct: ['source'], select: { source: true } }),
  ]);
  const loadedDecrees = new Set(loaded.map((r) => r.source));
  return rows.map((r) => ({
    decree: r.decree,
    amends: r.amends,
    title: r.title,
    effectiveFrom: asDay(r.effectiveFrom),
    articles: r.articles,
    sourceNote: r.sourceNote,
    reviewNote: r.reviewNote,
    status: loadedDecrees.has(r.decree) ? 'LOADED' : r.reviewedAt ? 'REVIEWED' : 'PENDING',
  }));
};

export const pendingAmendments = async (db: TTx): Promise<TPendingAmendment[]> =>
  (await listAmendments(db)).filter((a) => a.status === 'PENDING');

/**
 * Records an amendment (audited). Idempotent; a stored amendment is never rewritten by a
 * file that says something else: the difference is refused, as for fine rules.
 */
export const applyAmendment = async (db: TDb, a: TAmendment, actor: string): Promise<'added' | 'unchanged'> =>
  db.$transaction(async (tx) => {
    const old = (await listAmendments(tx)).find((s) => s.decree === a.decree);
    if (old) {
      const differences = COMPARED.filter((k) => canonicalJson(old[k]) !== canonicalJson(a[k]));
      if (differences.length === 0) return 'unchanged';
      throw new AppError('CONFLICT', `amendment ${a.decree} is already recorded with other ${differences.join(', ')}`);
    }
    await tx.ruleAmendment.create({ data: { ...a, effectiveFrom: new Date(`${a.effectiveFrom}T00:00:00Z`) } });
    await appendAudit(tx, {
      actor,
      entityType: 'rule_amendment',
      entityId: a.decree,
      action: 'fines.amendment-record',
      reason: `${a.decree} amends ${a.amends} from ${a.effectiveFrom}`,
      data: { articles: a.articles },
    });
    return 'added';
  });

/**
 * A decree number as typed compared with a recorded one: case and spaces aside, Đ and D
 * alike ("238/2026/ND-CP" is "238/2026/NĐ-CP"), because operators' keyboards and
 * copied texts often lose the Đ.
 */
const decreeKey = (decree: string): string => decree.normalize('NFC').toUpperCase().replace(/Đ/g, 'D').replace(/\s+/g, '');

/**
 * An operator's record that a pending amendment needs no new rows (its verified text
 * does not change the loaded ones): lifts RULES_MAY_BE_OUTDATED for cases assessed
 * from then on. Audited with the operator's note. Returns the decree as recorded.
 */
export const reviewAmendment = async (db: TDb, decree: string, note: string, actor: string): Promise<string> =>
  db.$transaction(async (tx) => {
    const recorded = await listAmendments(tx);
    const a = recorded.find((s) => decreeKey(s.decree) === decreeKey(decree));
    if (!a) {
      const known = recorded.length ? `recorded: ${recorded.map((s) => s.decree).join(', ')}` : 'none is recorded';
      throw new AppError('NOT_FOUND', `no amendment ${decree} is recorded (${known})`);
    }
    if (a.status !== 'PENDING') throw new AppError('CONFLICT', `amendment ${a.decree} is already ${a.status.toLowerCase()}`);
    await tx.ruleAmendment.update({ where: { decree: a.decree }, data: { reviewedAt: new Date(), reviewNote: note } });
    await appendAudit(tx, { actor, entityType: 'rule_amendment', entityId: a.decree, action: 'fines.amendment-review', reason: note });
    return a.decree;
  });
