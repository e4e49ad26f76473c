import { listDeadLetters, redriveDeadLetter } from '../../queues/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

export const jobsCommands: TCommandGroup = (program, deps) => {
  const jobs = program.command('jobs').description('pipeline jobs that failed for good (dead letters)');

  jobs
    .command('failed')
    .description('list the dead letters and why they failed')
    .option('--all', 'include dead letters already re-driven', false)
    .action(async (o: { all: boolean }) => {
      const rows = await listDeadLetters(deps.db, { includeRedriven: o.all });
      if (rows.length === 0) {
        deps.out('no failed jobs');
        return;
      }
      const cells = rows.map((r) => [
        String(r.id),
        r.queue,
        r.jobId,
        r.failedAt.toISOString(),
        String(r.attempts),
        r.redrivenAt ? `re-driven ${r.redrivenAt.toISOString()}` : 'waiting',
        r.reason,
      ]);
      for (const line of tsv(['id', 'queue', 'job', 'failed at', 'attempts', 'state', 'reason'], cells)) deps.out(line);
    });

  jobs
    .command('retry')
    .description('send dead letters back through the stage they failed in')
    .argument('[id]', 'dead letter id (see "jobs failed")')
    .option('--all', 'every dead letter not yet re-driven', false)
    .action(async (id: string | undefined, o: { all: boolean }) => {
      const ids = o.all ? (await listDeadLetters(deps.db)).map((r) => r.id) : id && /^\d+$/.test(id) ? [BigInt(id)] : undefined;
      if (!ids) throw new AppError('INVALID_INPUT', 'give a dead letter id (a number, see "jobs failed") or --all');
      if (ids.length === 0) {
        deps.out('no failed jobs to retry');
        return;
      }
      for (const one of ids) deps.out(`${one}: ${await redriveDeadLetter(deps.db, one, deps.actor)}`);
    });
};
