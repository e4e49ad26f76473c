import CircuitBreaker from 'opossum';
import { RegistryUnavailableError, ZRegistryRecord, type TRegistryQuery, type TRegistryRecord, type VehicleRegistry } from './vehicle-registry.ts';

export type THttpRegistryOptions = {
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  /** First retry delay; doubles each retry, with jitter. */
  backoffMs?: number;
  /** Breaker: open after this share of failures among at least `volumeThreshold` calls… */
  errorThresholdPercentage?: number;
  volumeThreshold?: number;
  /** …and try one call again after this long. */
  resetTimeoutMs?: number;
  /** Calls in flight at once for a batch of look-ups. */
  parallel?: number;
};

class Retryable extends Error {}

/**
 * Client of a national registry service:
 * `GET {base}/v1/registrations?plate=…&plateColor=…&at=<ISO instant>` answers 200 with the
 * registration in force then (vehicle and owner) or 404 when there is none. Each call has
 * a timeout; timeouts, dropped connections and 5xx are retried with exponential backoff;
 * a circuit breaker stops calling a registry that keeps failing, so a down registry costs
 * the pipeline nothing but a wait.
 */
export class HttpRegistry implements VehicleRegistry {
  private readonly breaker: CircuitBreaker<[TRegistryQuery], TRegistryRecord | null>;

  constructor(private readonly opts: THttpRegistryOptions) {
    this.breaker = new CircuitBreaker((q: TRegistryQuery) => this.fetchWithRetries(q), {
      timeout: false,
      errorThresholdPercentage: opts.errorThresholdPercentage ?? 50,
      volumeThreshold: opts.volumeThreshold ?? 5,
      resetTimeout: opts.resetTimeoutMs ?? 10_000,
    });
  }

  get circuitOpen(): boolean {
    return this.breaker.opened;
  }

  circuit(): 'closed' | 'half-open' | 'open' {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  async lookup(query: TRegistryQuery): Promise<TRegistryRecord | null> {
    try {
      return await this.breaker.fire(query);
    } catch (err) {
      if (err instanceof RegistryUnavailableError) throw err;
      if (this.breaker.opened) throw new RegistryUnavailableError('national registry circuit is open', { cause: err });
      throw new RegistryUnavailableError(`national registry failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** At most `parallel` calls at a time (default 8), so a batch does not flood the registry. */
  async lookupMany(queries: TRegistryQuery[]): Promise<(TRegistryRecord | null | Error)[]> {
    const out: (TRegistryRecord | null | Error)[] = new Array(queries.length);
    let next = 0;
    const lane = async () => {
      while (next < queries.length) {
        const i = next++;
        out[i] = await this.lookup(queries[i]!).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.parallel ?? 8, queries.length) }, lane));
    return out;
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private async fetchWithRetries(query: TRegistryQuery): Promise<TRegistryRecord | null> {
    let last: unknown;
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) {
        const base = (this.opts.backoffMs ?? 100) * 2 ** (attempt - 1);
        await new Promise((r) => setTimeout(r, base + Math.random() * base * 0.2));
      }
      try {
        return await this.fetchOnce(query);
      } catch (err) {
        if (!(err instanceof Retryable)) throw err;
        last = err;
      }
    }
    throw new RegistryUnavailableError(`national registry unavailable after ${this.opts.retries + 1} tries: ${(last as Error).message}`, { cause: last });
  }

  private async fetchOnce({ plate, plateColor, at }: TRegistryQuery): Promise<TRegistryRecord | null> {
    const url = new URL('v1/registrations', this.opts.baseUrl.endsWith('/') ? this.opts.baseUrl : `${this.opts.baseUrl}/`);
    url.search = new URLSearchParams({ plate, plateColor, at: at.toISOString() }).toString();
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs), headers: { accept: 'application/json' } });
    } catch (err) {
      throw new Retryable(`request failed: ${(err as Error).name === 'TimeoutError' ? `timed out after ${this.opts.timeoutMs} ms` : (err as Error).message}`);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status >= 500 || res.status === 429) {
      await res.body?.cancel();
      throw new Retryable(`registry answered ${res.status}`);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw new Retryable(`unreadable answer: ${(err as Error).message}`);
    }
    if (!res.ok) throw new RegistryUnavailableError(`registry refused the query (${res.status})`);
    const parsed = ZRegistryRecord.safeParse(body);
    if (!parsed.success) throw new RegistryUnavailableError(`registry answer does not match the contract: ${parsed.error.message}`);
    return parsed.data;
  }
}
