import type { Command } from 'commander';
import { loadDeliveries, settleDelivery } from '../../dispatch/index.ts';
import { DeliveryStatus } from '../../generated/prisma/enums.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

const STATUSES = Object.values(DeliveryStatus);

export const deliveriesCommands: TCommandGroup = (program: Command, deps) => {
  const deliveries = program.command('deliveries').description('notice deliveries: one per notice and channel, every step audited');

  deliveries
    .command('list')
    .description('deliveries by status (UNKNOWN: a worker died mid-send; settle them from the provider\'s records)')
    .option('--status <status>', `one of ${STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most this many, oldest first', '200')
    .action(async (o: { status?: string; limit: string }) => {
      const status = o.status?.toUpperCase();
      if (status && !STATUSES.includes(status as DeliveryStatus)) throw new AppError('INVALID_INPUT', `--status must be one of ${STATUSES.join(', ')}`);
      const rows = await deps.db.delivery.findMany({
        where: status ? { status: status as DeliveryStatus } : {},
        orderBy: { updatedAt: 'asc' },
        take: Math.max(1, Number(o.limit) || 200),
        select: { id: true, channel: true, status: true, attempts: true, address: true, messageId: true, updatedAt: true, lastError: true, notice: { select: { number: true } } },
      });
      if (rows.length === 0) {
        deps.out('no deliveries');
        return;
      }
      const cells = rows.map((r) => [r.id, r.notice.number, r.channel, r.status, String(r.attempts), r.address, r.messageId, r.updatedAt.toISOString(), (r.lastError ?? '').slice(0, 120)]);
      for (const line of tsv(['id', 'notice', 'channel', 'status', 'attempts', 'address', 'message id', 'updated', 'last error'], cells)) deps.out(line);
    });

  deliveries
    .command('settle')
    .description('settle an UNKNOWN delivery from the provider\'s records: --sent (it went) or --failed (it did not); audited')
    .argument('<id>', 'delivery id (see "deliveries list --status UNKNOWN")')
    .option('--sent', 'the provider took the message')
    .option('--failed', 'the provider has no such message')
    .option('--reason <text>', 'what the records show', 'settled by an operator')
    .action(async (id: string, o: { sent?: boolean; failed?: boolean; reason: string }) => {
      if (Boolean(o.sent) === Boolean(o.failed)) throw new AppError('INVALID_INPUT', 'give exactly one of --sent and --failed');
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('INVALID_INPUT', 'give a delivery id (a uuid)');
      const [found] = await loadDeliveries(deps.db, { ids: [id] });
      if (!found) throw new AppError('NOT_FOUND', `no delivery ${id}`);
      const r = await settleDelivery(
        { db: deps.db, calendar: deps.services.calendar(), metrics: deps.services.metrics() },
        { deliveryId: id, outcome: o.sent ? 'sent' : 'failed', actor: deps.actor, reason: o.reason },
      );
      deps.out(`${id}: ${r.delivery.channel} delivery of notice ${r.delivery.notice.number} settled as ${o.sent ? 'SENT' : 'FAILED'}${r.noticeSentNow ? '; the notice counts as sent from then and the case is NOTIFIED' : ''}`);
    });
};
