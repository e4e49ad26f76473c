import { applyHolidayYear, loadHolidayYears, planHolidayYear, readHolidayFile, vietnamDate } from '../../clock/index.ts';
import type { TCommandGroup } from '../deps.ts';
import { readInputFile } from '../input-file.ts';
import { tsv } from '../table.ts';

export const holidaysCommands: TCommandGroup = (program, deps) => {
  const holidays = program.command('holidays').description('public holidays and make-up working days, one year per file (the statutory clock counts with them)');

  holidays
    .command('load')
    .description("show what a year's calendar would change; with --apply, store it (replacing that year)")
    .argument('<file>', 'a year of holidays, e.g. src/clock/holidays/vn-2026.json')
    .option('--apply', 'write the changes (without it, only show them)', false)
    .action(async (file: string, o: { apply: boolean }) => {
      const year = readInputFile(file, readHolidayFile);
      const plan = await planHolidayYear(deps.db, year);
      for (const line of plan.removed) deps.out(`- ${line}`);
      for (const line of plan.added) deps.out(`+ ${line}`);
      deps.out(`${year.year} (${year.status}): ${plan.kind === 'new' ? 'not loaded yet' : plan.kind === 'unchanged' ? 'already loaded as is' : 'differs from the loaded year'}`);
      if (plan.kind === 'unchanged') return;
      if (!o.apply) {
        deps.out('dry run: nothing written; run again with --apply');
        return;
      }
      await applyHolidayYear(deps.db, year, deps.actor);
      deps.out(`loaded ${year.year}: ${year.daysOff.length} day(s) off, ${year.workingDays.length} make-up working day(s)`);
    });

  holidays
    .command('list')
    .description('the loaded years; warns about this year and the next when missing or provisional')
    .action(async () => {
      const years = await loadHolidayYears(deps.db);
      deps.out(tsv(['year', 'status', 'days_off', 'working_days'], years.map((y) => [String(y.year), y.status, String(y.daysOff.length), String(y.workingDays.length)])).join('\n'));
      const thisYear = Number(vietnamDate(new Date()).slice(0, 4));
      for (const want of [thisYear, thisYear + 1]) {
        const y = years.find((x) => x.year === want);
        if (!y) deps.err(`warning: no calendar loaded for ${want}: deadlines in it count weekends only and cases are flagged HOLIDAYS_UNCONFIRMED`);
        else if (y.status === 'provisional') deps.err(`warning: ${want} is provisional: cases with deadlines in it are flagged HOLIDAYS_UNCONFIRMED`);
      }
    });
};
