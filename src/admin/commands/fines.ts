import { reassessCases } from '../../cases/index.ts';
import { startOfDay } from '../../clock/index.ts';
import { applyAmendment, applyRules, listAmendments, loadAllRules, planRules, readAmendmentFile, readRuleTable, reviewAmendment, ruleKey, type TConditions } from '../../fines/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TAdminDeps, TCommandGroup } from '../deps.ts';
import { readInputFile } from '../input-file.ts';
import { tsv } from '../table.ts';

/** Cases waiting for review that were assessed with a now withdrawn rule go back to the fine stage. */
export const reassessWithdrawn = async (deps: TAdminDeps): Promise<number> =>
  reassessCases(deps.db, { select: { withdrawnRules: true }, actor: deps.actor, reason: 'assessed with a fine rule since withdrawn as wrong' });

/**
 * Cases waiting for review flagged RULES_MAY_BE_OUTDATED go back to the fine stage once an
 * amendment is loaded or reviewed: it assesses them with the rows in force now and lifts
 * the flag where no pending amendment remains.
 */
const reassessOutdated = async (deps: TAdminDeps, why: string): Promise<number> =>
  reassessCases(deps.db, { select: { flag: 'RULES_MAY_BE_OUTDATED' }, actor: deps.actor, reason: why });

const range = ({ min, max }: { min?: number; max?: number }): string =>
  min === max && min !== undefined ? String(min) : max === undefined ? `${min ?? 0}+` : `${min ?? 0}-${max}`;

/**
 * A rule's conditions in one cell, so rows of one act that differ only there (6.4.k,
 * 6.4.đ, 6.11.đ) tell apart: "expressway", "not-tunnel", "22:00-05:00", "over 5-9 km/h",
 * "passengers 3+"; "-" when the row applies anywhere.
 */
const conditionsText = (c: TConditions): string => {
  const parts: string[] = [];
  for (const k of ['expressway', 'urban', 'residential', 'bridge', 'tunnel'] as const) {
    if (c[k] !== undefined) parts.push(c[k] ? k : `not-${k}`);
  }
  if (c.localTime) parts.push(`${c.localTime.from}-${c.localTime.to}`);
  if (c.speedOverKmh) parts.push(`over ${range(c.speedOverKmh)} km/h`);
  if (c.passengers) parts.push(`passengers ${range(c.passengers)}`);
  return parts.join(',') || '-';
};

export const finesCommands: TCommandGroup = (program, deps) => {
  const fines = program.command('fines').description('fine rule tables');

  fines
    .command('load')
    .description('show what a rule table would add and withdraw; with --apply, do it (loaded rules are never edited, wrong ones are withdrawn)')
    .argument('<file>', 'a rule table, e.g. src/fines/tables/decree-168-2024.json')
    .option('--apply', 'write the changes (without it, only show them)', false)
    .action(async (file: string, o: { apply: boolean }) => {
      const { rules, withdraws } = readInputFile(file, readRuleTable);
      const plan = await planRules(deps.db, rules, withdraws);
      for (const r of plan.add) deps.out(`+ ${r.code} v${r.version}: ${r.violation} [${r.vehicleClasses.join(',')}] ${r.fineMin}–${r.fineMax} VND, ${r.points} pts, from ${r.effectiveFrom}${r.effectiveTo ? ` to ${r.effectiveTo}` : ''}`);
      for (const c of plan.conflicts) deps.out(`! ${c.rule.code} v${c.rule.version} differs from the loaded rule: ${c.differences.join('; ')}`);
      for (const { withdrawal: w } of plan.withdraw) deps.out(`- ${w.code} v${w.version} withdrawn: ${w.reason} (${w.citation})`);
      for (const w of plan.notLoaded) deps.out(`  ${w.code} v${w.version} was never loaded here: nothing to withdraw`);
      deps.out(
        `${plan.add.length} to add, ${plan.unchanged.length} already loaded, ${plan.conflicts.length} conflicting; ` +
          `${plan.withdraw.length} to withdraw, ${plan.alreadyWithdrawn.length} already withdrawn`,
      );
      if (plan.conflicts.length > 0) {
        throw new AppError('CONFLICT', 'loaded rules are never edited; give a changed rule a new version with its own effective dates');
      }
      if (!o.apply) {
        if (plan.add.length + plan.withdraw.length > 0) deps.out('dry run: nothing written; run again with --apply');
        return;
      }
      const done = await applyRules(deps.db, rules, deps.actor, withdraws);
      deps.out(`loaded ${done.add.length} rule(s), withdrew ${done.withdraw.length}`);
      // Every load, not only one that withdrew now: a case assessed by a worker still
      // holding an old rule table while an earlier load withdrew rows is caught here too.
      const n = await reassessWithdrawn(deps);
      if (n > 0) deps.out(`${n} case(s) waiting for review were assessed with a withdrawn rule: sent back to the fine stage`);
      const decree = done.add[0]?.decree;
      if (decree && (await listAmendments(deps.db)).some((a) => a.decree === decree)) {
        const m = await reassessOutdated(deps, `the rows of amendment ${decree} are loaded`);
        if (m > 0) deps.out(`${m} case(s) flagged RULES_MAY_BE_OUTDATED sent back to the fine stage`);
      }
    });

  fines
    .command('list')
    .description('the loaded rules, withdrawn ones marked with their reason')
    .option('--withdrawn', 'only the withdrawn rules', false)
    .action(async (o: { withdrawn: boolean }) => {
      const rules = (await loadAllRules(deps.db)).filter((r) => !o.withdrawn || r.withdrawnAt);
      if (rules.length === 0) {
        deps.out(o.withdrawn ? 'no withdrawn rules' : 'no rules loaded');
        return;
      }
      const reasons = new Map((await deps.db.fineRule.findMany({ where: { withdrawnAt: { not: null } }, select: { id: true, withdrawnReason: true } })).map((r) => [r.id, r.withdrawnReason]));
      const cells = rules
        .sort((a, b) => ruleKey(a).localeCompare(ruleKey(b)))
        .map((r) => [
          ruleKey(r),
          r.violation,
          r.vehicleClasses.join(','),
          conditionsText(r.conditions),
          `${r.fineMin}–${r.fineMax}`,
          String(r.points),
          `${r.effectiveFrom}${r.effectiveTo ? `..${r.effectiveTo}` : ''}`,
          r.withdrawnAt ? `withdrawn ${r.withdrawnAt.toISOString().slice(0, 10)}: ${reasons.get(r.id!) ?? ''}` : 'in force',
        ]);
      for (const line of tsv(['rule', 'violation', 'classes', 'conditions', 'VND', 'points', 'effective', 'status'], cells)) deps.out(line);
    });

  const amendments = fines.command('amendments').description('amending decrees known but not loaded as rule rows (cases after their date are flagged RULES_MAY_BE_OUTDATED)');

  amendments
    .command('list')
    .description('every recorded amendment: PENDING (cases flagged), LOADED (its rows are loaded) or REVIEWED')
    .action(async () => {
      const rows = (await listAmendments(deps.db)).map((a) => [a.decree, a.amends, a.effectiveFrom, a.articles.length ? a.articles.join(',') : 'unknown', a.status, a.reviewNote ?? '']);
      for (const line of tsv(['decree', 'amends', 'from', 'articles', 'status', 'review'], rows)) deps.out(line);
    });

  amendments
    .command('load')
    .description('record an amendment file, e.g. src/fines/amendments/decree-238-2026.json')
    .argument('<file>', 'an amendment file')
    .action(async (file: string) => {
      const a = readInputFile(file, readAmendmentFile);
      const done = await applyAmendment(deps.db, a, deps.actor);
      deps.out(done === 'added' ? `recorded ${a.decree} (amends ${a.amends} from ${a.effectiveFrom})` : `${a.decree} is already recorded`);
      if (done !== 'added') return;
      const n = await reassessCases(deps.db, { select: { capturedFrom: startOfDay(a.effectiveFrom) }, actor: deps.actor, reason: `amendment ${a.decree} recorded, in force from ${a.effectiveFrom}` });
      if (n > 0) deps.out(`${n} case(s) waiting for review captured from ${a.effectiveFrom} sent back to the fine stage`);
    });

  amendments
    .command('review')
    .description("record that a pending amendment's verified text needs no new rows (lifts the flag for cases assessed from now on)")
    .argument('<decree>', 'e.g. 238/2026/NĐ-CP (D for Đ is accepted)')
    .requiredOption('--note <text>', 'what was checked, against which text')
    .action(async (decree: string, o: { note: string }) => {
      const recorded = await reviewAmendment(deps.db, decree, o.note, deps.actor);
      deps.out(`${recorded} reviewed`);
      const n = await reassessOutdated(deps, `amendment ${recorded} reviewed: ${o.note}`);
      if (n > 0) deps.out(`${n} case(s) flagged RULES_MAY_BE_OUTDATED sent back to the fine stage`);
    });
};
