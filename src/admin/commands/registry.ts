import { readFileSync } from 'node:fs';
import { CSV_COLUMNS, importRegistryCsv } from '../../registry/index.ts';
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
};
