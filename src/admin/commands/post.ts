import { ZCalendarDate } from '../../clock/index.ts';
import { makePostBatch } from '../../dispatch/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';

export const postCommands: TCommandGroup = (program, deps) => {
  const post = program.command('post').description('notices sent by post');

  post
    .command('batch')
    .description('make the day\'s print batch (one merged PDF and a CSV manifest for the mail house) and mark its deliveries sent; made once per day, later runs print where it is')
    .option('--day <YYYY-MM-DD>', 'the Vietnam calendar day (default: today)')
    .action(async (o: { day?: string }) => {
      if (o.day !== undefined && !ZCalendarDate.safeParse(o.day).success) throw new AppError('INVALID_INPUT', '--day must be YYYY-MM-DD');
      const r = await makePostBatch(deps.services.postBatch(), o.day);
      if (r.kind === 'empty') {
        deps.out(`${r.day}: no post deliveries waiting; no batch made`);
        return;
      }
      const b = r.batch;
      deps.out(`${b.day}: ${r.kind === 'made' ? 'batch made' : 'batch already made'}, ${b.count} notice(s)`);
      deps.out(`pdf\t${b.pdfPath}\t${b.pdfSha256}`);
      deps.out(`manifest\t${b.manifestPath}\t${b.manifestSha256}`);
    });
};
