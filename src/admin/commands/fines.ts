import { applyAmendment, applyRules, listAmendments, planRules, readAmendmentFile, readRuleFile, reviewAmendment } from '../../fines/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';
import { readInputFile } from '../input-file.ts';
import { tsv } from '../table.ts';

export const finesCommands: TCommandGroup = (program, deps) => {
  const fines = program.command('fines').description('fine rule tables');

  fines
    .command('load')
    .description('show what a rule table would add; with --apply, add it (loaded rules are never edited)')
    .argument('<file>', 'a rule table, e.g. src/fines/tables/decree-168-2024.json')
    .option('--apply', 'write the changes (without it, only show them)', false)
    .action(async (file: string, o: { apply: boolean }) => {
      const rules = readInputFile(file, readRuleFile);
      const plan = await planRules(deps.db, rules);
      for (const r of plan.add) deps.out(`+ ${r.code} v${r.version}: ${r.violation} [${r.vehicleClasses.join(',')}] ${r.fineMin}–${r.fineMax} VND, ${r.points} pts, from ${r.effectiveFrom}${r.effectiveTo ? ` to ${r.effectiveTo}` : ''}`);
      for (const c of plan.conflicts) deps.out(`! ${c.rule.code} v${c.rule.version} differs from the loaded rule: ${c.differences.join('; ')}`);
      deps.out(`${plan.add.length} to add, ${plan.unchanged.length} already loaded, ${plan.conflicts.length} conflicting`);
      if (plan.conflicts.length > 0) {
        throw new AppError('CONFLICT', 'loaded rules are never edited; give a changed rule a new version with its own effective dates');
      }
      if (!o.apply) {
        if (plan.add.length > 0) deps.out('dry run: nothing written; run again with --apply');
        return;
      }
      await applyRules(deps.db, rules, deps.actor);
      deps.out(`loaded ${plan.add.length} rule(s)`);
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
    });

  amendments
    .command('review')
    .description("record that a pending amendment's verified text needs no new rows (lifts the flag for cases assessed from now on)")
    .argument('<decree>', 'e.g. 238/2026/NĐ-CP')
    .requiredOption('--note <text>', 'what was checked, against which text')
    .action(async (decree: string, o: { note: string }) => {
      await reviewAmendment(deps.db, decree, o.note, deps.actor);
      deps.out(`${decree} reviewed`);
    });
};
