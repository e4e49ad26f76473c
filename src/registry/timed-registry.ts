import type { TMetrics } from '../metrics/index.ts';
import { RegistryUnavailableError, type TRegistryQuery, type TRegistryRecord, type VehicleRegistry } from './vehicle-registry.ts';

const BREAKER = { closed: 0, 'half-open': 1, open: 2 } as const;

/** A registry whose batches of look-ups are timed, and whose breaker state is reported, as metrics. */
export const timedRegistry = (inner: VehicleRegistry, metrics: Pick<TMetrics, 'registrySeconds' | 'registryBreaker'>): VehicleRegistry => ({
  lookup: (query: TRegistryQuery) => inner.lookup(query),
  lookupMany: async (queries: TRegistryQuery[]): Promise<(TRegistryRecord | null | Error)[]> => {
    const timer = metrics.registrySeconds.startTimer();
    const out = await inner.lookupMany(queries);
    timer({ result: out.some((o) => o instanceof RegistryUnavailableError) ? 'unavailable' : 'ok' });
    metrics.registryBreaker.set(BREAKER[inner.circuit?.() ?? 'closed']);
    return out;
  },
  ...(inner.circuit ? { circuit: () => inner.circuit!() } : {}),
  ...(inner.shutdown ? { shutdown: () => inner.shutdown!() } : {}),
});
