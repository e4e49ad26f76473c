import { applyHolidayYear, loadHolidayYears, planHolidayYear, readHolidayFile, vietnamDate } from '../../clock/index.ts';
import { reassessCases } from '../../cases/index.ts';
import type { TAdminDeps, TCommandGroup } from '../deps.ts';
import { readInputFile } from '../input-file.ts';
import { tsv } from '../table.ts';

/**
 * Cases waiting for review whose notice deadline was counted without a confirmed calendar
 * (flagged HOLIDAYS_UNCONFIRMED, for this year or another) or may have been counted with
 * the version of this year just replaced (their deadline falls in it) go back to the fine
 * stage, which counts them again. The two groups are counted apart: the second is sent
 * back whether or not its count changes.
 */
const reassessForYear = async (deps: TAdminDeps, year: number): Promise<{ flagged: number; inYear: number }> => {
  const reason = `holiday calendar ${year} loaded`;
  const flagged = await reassessCases(deps.db, { select: { flag: 'HOLIDAYS_UNCONFIRMED' }, actor: deps.actor, reason });
  const range = { from: new Date(`${year}-01-01T00:00:00+07:00`), to: new Date(`${year + 1}-01-01T00:00:00+07:00`) };
  return { flagged, inYear: await reassessCases(deps.db, { select: { noticeDue: range }, actor: deps.actor, reason }) };
};

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
      const { flagged, inYear } = await reassessForYear(deps, year.year);
      if (flagged > 0) deps.out(`${flagged} case(s) waiting for review flagged HOLIDAYS_UNCONFIRMED: sent back to the fine stage`);
      if (inYear > 0) deps.out(`${inYear} other case(s) waiting for review with a notice deadline in ${year.year}: sent back to the fine stage to count it with this calendar`);
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
