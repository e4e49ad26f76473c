import { afterEach, describe, expect, it, vi } from 'vitest';
import { StampedCache } from '../src/shared/stamped-cache.ts';

describe('StampedCache (the rule and calendar caches of the stages)', () => {
  afterEach(() => vi.useRealTimers());

  const setup = (ttlMs: number) => {
    const state = { stamp: 'a', loads: 0, stampQueries: 0 };
    const cache = new StampedCache(
      async () => {
        state.stampQueries += 1;
        return state.stamp;
      },
      async () => `value ${++state.loads} at stamp ${state.stamp}`,
      ttlMs,
    );
    return { state, cache };
  };

  it('loads once, then asks only the stamp while it is unchanged', async () => {
    const { state, cache } = setup(60_000);
    expect(await cache.get()).toBe('value 1 at stamp a');
    expect(await cache.get()).toBe('value 1 at stamp a');
    expect(state).toMatchObject({ loads: 1, stampQueries: 2 });
  });

  it('reloads at the first read after the stamp changes', async () => {
    const { state, cache } = setup(60_000);
    await cache.get();
    state.stamp = 'b';
    expect(await cache.get()).toBe('value 2 at stamp b');
    expect(await cache.get()).toBe('value 2 at stamp b');
    expect(state.loads).toBe(2);
  });

  it('reloads after the ttl even when the stamp is unchanged', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
    const { state, cache } = setup(60_000);
    await cache.get();
    vi.setSystemTime(new Date('2026-12-01T00:01:00Z'));
    expect(await cache.get()).toBe('value 1 at stamp a');
    vi.setSystemTime(new Date('2026-12-01T00:01:00.001Z'));
    expect(await cache.get()).toBe('value 2 at stamp a');
    expect(state.loads).toBe(2);
  });
});
