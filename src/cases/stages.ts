import type { CalendarCache } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import type { RuleCache, TOrgFinePolicy } from '../fines/index.ts';
import type { TStages } from '../queues/index.ts';
import { RegistryUnavailableError, type VehicleRegistry } from '../registry/index.ts';
import { assessCases } from './assess-case.ts';
import { dedupEvents, type TDedupOptions } from './dedup-event.ts';
import { resolveOwners } from './resolve-owner.ts';

export type TPipelineDeps = {
  db: TDb;
  registry: VehicleRegistry;
  rules: RuleCache;
  calendar: CalendarCache;
  dedup: TDedupOptions;
  orgFine: TOrgFinePolicy;
};

/**
 * The stages that bring an event to PENDING_REVIEW, by the queue each consumes. While the
 * registry cannot answer, the owner stage's cases wait in DETECTED, neither failed nor guessed.
 */
export const pipelineStages = (deps: TPipelineDeps): Pick<TStages, 'dedup' | 'owner' | 'fine'> => ({
  dedup: { handle: (ids) => dedupEvents(deps.db, ids, deps.dedup) },
  owner: { handle: (ids) => resolveOwners(deps.db, deps.registry, ids), waitsOn: (err) => err instanceof RegistryUnavailableError },
  fine: { handle: (ids) => assessCases(deps.db, deps.rules, deps.calendar, deps.orgFine, ids) },
});
