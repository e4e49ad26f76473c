import { pipelineStatus } from '../../queues/index.ts';
import type { TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

const age = (seconds: number | null): string => {
  if (seconds === null) return '-';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
};

export const pipelineCommands: TCommandGroup = (program, deps) => {
  const pipeline = program.command('pipeline').description('the automated stages and what waits in them');

  pipeline
    .command('status')
    .description('per waiting state: how many, how many overdue (no job in flight past RECONCILE_AFTER_SECONDS), the oldest; per queue: outbox, jobs, dead letters')
    .action(async () => {
      const { services } = deps;
      const status = await pipelineStatus(deps.db, services.machines, services.cfg.RECONCILE_AFTER_SECONDS, services.queues());
      const states = status.states.map((s) => [s.entity, s.state, s.queue, String(s.count), String(s.overdue), age(s.oldestSeconds)]);
      for (const line of tsv(['entity', 'state', 'next queue', 'waiting', 'overdue', 'oldest'], states)) deps.out(line);
      deps.out('');
      const queues = status.queues.map((q) => [
        q.queue,
        String(q.outbox),
        age(q.outboxOldestSeconds),
        q.jobs ? String(q.jobs.waiting! + (q.jobs.prioritized ?? 0)) : 'redis down',
        q.jobs ? String(q.jobs.active) : '-',
        q.jobs ? String(q.jobs.delayed) : '-',
        q.jobs ? String(q.jobs.failed) : '-',
        String(q.deadLetters),
      ]);
      for (const line of tsv(['queue', 'outbox', 'outbox oldest', 'jobs waiting', 'active', 'delayed', 'failed', 'dead letters'], queues)) deps.out(line);
      const overdue = status.states.reduce((n, s) => n + s.overdue, 0);
      if (overdue > 0) deps.out(`\n${overdue} overdue: the reconciler re-drives them unless a job still carries them`);
    });
};
