import { InvalidArgumentError, Option } from 'commander';
import { reresolveCases, RERESOLVABLE_FLAGS, type TReresolvableFlag } from '../../cases/index.ts';
import type { TCommandGroup } from '../deps.ts';
import { reassessWithdrawn } from './fines.ts';

/** A calendar day in Vietnam (UTC+7): the day starts at 00:00 there. */
const vietnamDay = (v: string): Date => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00+07:00`))) throw new InvalidArgumentError('a date YYYY-MM-DD');
  return new Date(`${v}T00:00:00+07:00`);
};

export const casesCommands: TCommandGroup = (program, deps) => {
  const cases = program.command('cases').description('cases in the pipeline');

  cases
    .command('reresolve')
    .description('send cases waiting for review with a look-up flag back to the owner look-up (e.g. after a registry import)')
    .addOption(new Option('--flag <flag>', 'the flag the cases carry').choices(RERESOLVABLE_FLAGS).makeOptionMandatory())
    .option('--since <date>', 'only cases captured on or after this day (YYYY-MM-DD, Vietnam time)', vietnamDay)
    .action(async (o: { flag: TReresolvableFlag; since?: Date }) => {
      const n = await reresolveCases(deps.db, { flag: o.flag, since: o.since, actor: deps.actor, reason: `operator re-resolve of ${o.flag} cases` });
      deps.out(n === 0 ? `no case waiting for review carries ${o.flag}` : `${n} case(s) sent back to the owner look-up; the workers take them from here`);
    });

  cases
    .command('reassess')
    .description('send cases waiting for review back to the fine stage')
    .addOption(new Option('--withdrawn', 'those assessed with a fine rule since withdrawn as wrong').makeOptionMandatory())
    .action(async () => {
      const n = await reassessWithdrawn(deps);
      deps.out(n === 0 ? 'no case waiting for review was assessed with a withdrawn rule' : `${n} case(s) sent back to the fine stage; the workers take them from here`);
    });
};
