import { InvalidArgumentError } from 'commander';
import { deadlineStatus, runDeadlines } from '../../followup/index.ts';
import type { TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

/** An instant (ISO 8601 with its offset), to run the clock as of another time. */
const instant = (v: string): Date => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new InvalidArgumentError('an instant such as 2026-12-01T09:00:00+07:00');
  }
  return new Date(v);
};

export const deadlinesCommands: TCommandGroup = (program, deps) => {
  const deadlines = program.command('deadlines').description('the statutory clock after sending: overdue cases and escalations, the 1-year limitation, the 10-day notice limit');

  deadlines
    .command('run')
    .description('run the deadlines task once (as the workers do every DEADLINES_INTERVAL_SECONDS) and print what it did')
    .option('--at <instant>', 'as of this instant instead of now (a check of what a later run would do; it does it)', instant)
    .action(async (o: { at?: Date }) => {
      const { cfg, logger } = deps.services;
      const r = await runDeadlines(deps.db, { now: o.at ?? new Date(), batch: cfg.DEADLINES_BATCH, log: logger });
      const targets = Object.entries(r.overdue.byTarget).map(([t, n]) => `${t} ${n}`).join(', ');
      const states = Object.entries(r.timeBarred.byState).map(([s, n]) => `${s} ${n}`).join(', ');
      deps.out(`overdue (no response in 20 days): ${r.overdue.overdue} case(s), ${r.overdue.escalations} escalation(s) opened${targets ? ` (${targets})` : ''}`);
      deps.out(`time-barred (1-year limitation ended): ${r.timeBarred.timeBarred} case(s)${states ? ` (from ${states})` : ''}; escalations to lift by a call ${r.timeBarred.liftRequested}, withdrawn unsent ${r.timeBarred.withdrawn}`);
      deps.out(`notice limit (10 days): ${r.noticeLimit.approaching} approaching, ${r.noticeLimit.missed} missed`);
      for (const c of r.noticeLimit.first) deps.out(`  ${c.plate}\t${c.id}\tdue ${c.noticeDueAt}`);
      if (r.notifiedWithoutDueDate > 0) deps.err(`warning: ${r.notifiedWithoutDueDate} notified case(s) have no response date; the 20-day clock cannot run for them`);
      if (Math.max(r.overdue.overdue, r.timeBarred.timeBarred) >= cfg.DEADLINES_BATCH) deps.out(`a batch was full (DEADLINES_BATCH=${cfg.DEADLINES_BATCH}): run again for the rest`);
    });

  deadlines
    .command('status')
    .description('counts: overdue, escalations by state, cases close to or past the notice limit, time-barred')
    .action(async () => {
      const s = await deadlineStatus(deps.db, new Date());
      const rows = [
        ['cases', 'notified (20-day period running)', String(s.cases.notified)],
        ['cases', 'notified, period over (next run escalates)', String(s.dueForEscalation)],
        ['cases', 'overdue', String(s.cases.overdue)],
        ['cases', 'responded', String(s.cases.responded)],
        ['cases', 'time-barred', String(s.cases.timeBarred)],
        ['cases', 'notice limit approaching (≤ 2 days)', String(s.noticeLimit.approaching)],
        ['cases', 'notice limit missed', String(s.noticeLimit.missed)],
        ...Object.entries(s.escalations).map(([state, n]) => ['escalations', state, String(n)]),
      ];
      for (const line of tsv(['what', 'state', 'count'], rows)) deps.out(line);
      if (s.notifiedWithoutDueDate > 0) deps.err(`warning: ${s.notifiedWithoutDueDate} notified case(s) have no response date; the 20-day clock cannot run for them`);
    });
};
