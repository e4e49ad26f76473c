/**
 * A value loaded from the database and kept while a cheap stamp query (row counts, latest
 * change times) returns what it returned at load, and for at most `ttlMs`: a change an
 * operator makes reaches every worker at its next read, without reloading the whole
 * value each time. The ttl is the safety net for a change the stamp cannot see.
 */
export class StampedCache<T> {
  private cached: { value: T; stamp: string; loadedAt: number } | undefined;

  constructor(
    private readonly stamp: () => Promise<string>,
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
  ) {}

  async get(): Promise<T> {
    const stamp = await this.stamp();
    if (!this.cached || Date.now() - this.cached.loadedAt > this.ttlMs || stamp !== this.cached.stamp) {
      this.cached = { value: await this.load(), stamp, loadedAt: Date.now() };
    }
    return this.cached.value;
  }
}
