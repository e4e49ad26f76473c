import type { TAuditReport, TEntityRef } from '../../audit/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';

const n = (v: number | bigint): string => v.toLocaleString('en-US');
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;

/** What broke, one line each, then what passed: the operator sees both at once. */
const reportLines = (r: TAuditReport): string[] => {
  const lines = r.breaks.map((b) => `broken: entry ${n(b.id)} (${b.entityType} ${b.entityId}, ${b.action}): ${b.problem}`);
  if (r.brokenChains > r.breaks.length) lines.push(`broken: ${plural(r.brokenChains - r.breaks.length, 'more chain')} (the first ${r.breaks.length} are listed)`);
  const cp = r.checkpoints;
  if (cp.failure) lines.push(`broken: checkpoint #${cp.failure.seq}: ${cp.failure.problem}`);

  const chains = r.entity
    ? `${r.entity.type} ${r.entity.id}: ${plural(r.entries, 'entry', 'entries')} ${r.brokenChains ? 'in a broken chain' : 'verified'}`
    : `${plural(r.entries, 'entry', 'entries')} in ${plural(r.chains, 'chain')} ${r.brokenChains ? `checked, ${plural(r.brokenChains, 'chain')} broken` : 'verified'}`;
  const verified = cp.failure
    ? `${cp.verified ? `#1${cp.verified > 1 ? `–#${cp.verified}` : ''} verified up to entry ${n(cp.upToId)}, ` : ''}#${cp.failure.seq} of ${n(cp.total)} fails`
    : `${plural(cp.verified, 'checkpoint')} verified up to entry ${n(cp.upToId)}`;
  const recomputed = cp.recomputed.length ? `recomputed from the entries: #${cp.recomputed.join(', #')}` : 'none holds its entries';
  const checkpoints = cp.total === 0 ? 'no checkpoints yet' : r.entity ? `${verified} (${recomputed})` : verified;
  lines.push(`${chains}; ${checkpoints}`);
  if (r.uncovered.entries > 0) lines.push(`${plural(r.uncovered.entries, 'entry', 'entries')} newer than the last checkpoint: verified by chain only`);
  if (cp.latest) {
    lines.push(
      `latest checkpoint #${cp.latest.seq} (${cp.latest.createdAt.toISOString()}, up to entry ${n(cp.latest.lastId)}) has digest ${cp.latest.digest}: ` +
        `the log's "audit checkpoint" line of #${cp.latest.seq} must show the same, and the log no later checkpoint`,
    );
  }
  return lines;
};

const entityOf = (values: string[] | undefined): TEntityRef | undefined => {
  if (!values) return undefined;
  if (values.length !== 2) throw new AppError('INVALID_INPUT', '--entity takes a type and an id, e.g. --entity case 0b6f…');
  return { type: values[0]!, id: values[1]! };
};

export const auditCommands: TCommandGroup = (program, deps) => {
  const audit = program.command('audit').description('the hash-chained audit log and its signed checkpoints');

  audit
    .command('verify')
    .description('check every chain link by link and every checkpoint (MAC, digest recomputed from the entries); exit code 1 when anything does not verify')
    .option('--entity <type-and-id...>', 'only this entity\'s chain (TYPE ID) and the checkpoints that hold its entries: fast, but blind to removed entries')
    .action(async (o: { entity?: string[] }) => {
      const entity = entityOf(o.entity);
      const { audit: log } = deps.services;
      const report = await log().verify(entity);
      if (entity && report.entries === 0) {
        throw new AppError('NOT_FOUND', `no audit entries for ${entity.type} ${entity.id}: a wrong id, or its entries were removed (run "audit verify" without --entity)`);
      }
      for (const line of reportLines(report)) deps.out(line);
      if (report.uncovered.stale > 0) {
        deps.err(
          `warning: ${plural(report.uncovered.stale, 'entry', 'entries')} older than ${Math.round(log().staleMs / 60_000)} min ${report.uncovered.stale === 1 ? 'is' : 'are'} not covered by a checkpoint: ` +
            'is the audit-checkpoint task running? Were the newest checkpoints removed? Compare with the logged digests',
        );
      }
      if (!report.ok) {
        const what = [
          report.brokenChains ? plural(report.brokenChains, 'broken chain') : '',
          report.checkpoints.failure ? `checkpoint #${report.checkpoints.failure.seq} fails` : '',
        ].filter(Boolean);
        throw new AppError('AUDIT_BROKEN', `the audit log does not verify: ${what.join(', ')}`);
      }
    });

  audit
    .command('checkpoint')
    .description('write a signed checkpoint now (the workers write one every AUDIT_CHECKPOINT_INTERVAL_SECONDS)')
    .action(async () => {
      const { audit: log } = deps.services;
      const cp = await log().checkpoint();
      if (!cp) {
        deps.out(`nothing to checkpoint: no entry since the last checkpoint is older than ${Math.round(log().marginMs / 1000)} s yet`);
        return;
      }
      deps.out(`checkpoint #${cp.seq}: ${plural(cp.entries, 'entry', 'entries')} after entry ${n(cp.afterId)} up to ${n(cp.lastId)}, digest ${cp.digest}`);
    });
};
