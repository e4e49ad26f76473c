import { applyRules, planRules, readRuleFile } from '../../fines/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';
import { readInputFile } from '../input-file.ts';

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
};
