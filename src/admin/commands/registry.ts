import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { CSV_COLUMNS, importRegistryCsv, NOTICE_LANGUAGES, setOwnerNoticeLanguage } from '../../registry/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';
import { readInputFile } from '../input-file.ts';

export const registryCommands: TCommandGroup = (program, deps) => {
  const registry = program.command('registry').description('the vehicle registry kept in this database');

  registry
    .command('import')
    .description('import registrations and owners from a CSV file (all or nothing; again changes nothing)')
    .argument('<file>', `CSV with columns ${CSV_COLUMNS.join(',')}`)
    .action(async (file: string) => {
      const report = await importRegistryCsv(deps.db, readInputFile(file, (f) => readFileSync(f, 'utf8')), deps.actor);
      if (report.errors.length > 0) {
        for (const e of report.errors) deps.err(`${file}: ${e}`);
        throw new AppError('INVALID_INPUT', `nothing imported: fix the ${report.errors.length} problem(s) above and run again`);
      }
      const { owners: o, registrations: r } = report;
      deps.out(`${report.rows} rows: owners ${o.created} new, ${o.updated} updated, ${o.unchanged} unchanged; registrations ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged`);
    });

  registry
    .command('owner-language')
    .description("the language an owner's notices are written in, as the owner asked (audited; imports leave it alone)")
    .argument('<id-number>', 'citizen id (CCCD) or, with --organisation, tax code')
    .addOption(new Option('--language <lang>', 'notice language').choices(NOTICE_LANGUAGES).makeOptionMandatory())
    .option('--organisation', 'the owner is an organisation')
    .action(async (idNumber: string, o: { language: (typeof NOTICE_LANGUAGES)[number]; organisation?: boolean }) => {
      const owner = await setOwnerNoticeLanguage(deps, { ownerType: o.organisation ? 'ORGANISATION' : 'PERSON', idNumber, language: o.language });
      deps.out(`owner ${owner.name}: notices in ${owner.noticeLanguage}`);
    });
};
