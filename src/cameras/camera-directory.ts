import { LRUCache } from 'lru-cache';
import type { TDb } from '../db/index.ts';
import { Batcher } from '../shared/batcher.ts';
import { openSecret } from './secret-box.ts';

/** What a camera code can be (the admin CLI refuses any other); anything else is unknown without asking. */
export const CAMERA_CODE = /^[A-Za-z0-9._-]{1,64}$/;

export type TCameraAuth = {
  id: string;
  code: string;
  siteId: string;
  /** The agency (detecting unit) that operates the camera: its id, and its name as notices print it. */
  agencyId: string;
  agency: string;
  active: boolean;
  secret: Buffer;
  certExpiresAt: Date;
};

export type TCameraDirectoryLimits = {
  /** Bytes of unknown codes remembered, least recently asked forgotten first. */
  unknownCacheBytes: number;
  /** How long "no such camera" is believed; 0 asks the database every time. */
  unknownTtlMs: number;
  /** Look-up queries in flight at once; codes asked meanwhile wait and go together in the next. */
  maxQueriesInFlight: number;
};

/** A rough cost of one remembered unknown code beyond its characters (lru-cache's slots, the string header). */
const ENTRY_OVERHEAD_BYTES = 96;
/** Codes per look-up query: one indexed `code = ANY(…)` serves them all. */
const CODES_PER_QUERY = 256;

/**
 * Camera records as the ingest path needs them, cached per process for `ttlMs` so a
 * signature check costs no database round trip. A disabled camera or a rotated secret
 * therefore takes effect within `ttlMs` in every API process.
 *
 * The codes callers ask about come from an unauthenticated header, so the cache is split:
 * known cameras in a map that the camera table itself bounds, unknown codes in an LRU
 * bounded by bytes with a short life. Look-ups are batched with a fixed number in flight,
 * so a flood of made-up codes costs a few queries at a time and cannot starve the pool
 * that event writes need.
 */
export class CameraDirectory {
  private readonly known = new Map<string, { at: number; camera: TCameraAuth }>();
  private readonly unknown: LRUCache<string, true>;
  private readonly unknownTtlMs: number;
  private readonly lookups: Batcher<string, TCameraAuth | null>;
  private readonly counters = { queries: 0, inFlight: 0, peakQueriesInFlight: 0 };

  constructor(
    private readonly db: TDb,
    private readonly secretKey: Buffer,
    private readonly ttlMs: number,
    limits: Partial<TCameraDirectoryLimits> = {},
  ) {
    const { unknownCacheBytes = 1024 * 1024, unknownTtlMs = ttlMs, maxQueriesInFlight = 2 } = limits;
    this.unknown = new LRUCache<string, true>({
      maxSize: unknownCacheBytes,
      sizeCalculation: (_value, code) => code.length + ENTRY_OVERHEAD_BYTES,
      // lru-cache reads ttl 0 as "forever"; here 0 means "do not remember" (see byCode).
      ttl: Math.max(unknownTtlMs, 1),
    });
    this.unknownTtlMs = unknownTtlMs;
    this.lookups = new Batcher((codes) => this.load(codes), { maxBatch: CODES_PER_QUERY, maxInflight: maxQueriesInFlight });
  }

  async byCode(code: string): Promise<TCameraAuth | null> {
    if (!CAMERA_CODE.test(code)) return null;
    const hit = this.known.get(code);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.camera;
    if (this.unknown.get(code)) return null;
    const camera = await this.lookups.submit(code);
    if (camera) {
      this.known.set(code, { at: Date.now(), camera });
    } else {
      this.known.delete(code);
      if (this.unknownTtlMs > 0) this.unknown.set(code, true);
    }
    return camera;
  }

  /** For tests and metrics: database look-ups so far, and what the unknown-code cache holds. */
  stats() {
    return {
      queries: this.counters.queries,
      peakQueriesInFlight: this.counters.peakQueriesInFlight,
      unknownCodes: this.unknown.size,
      unknownBytes: this.unknown.calculatedSize,
    };
  }

  private async load(codes: string[]): Promise<(TCameraAuth | null)[]> {
    const c = this.counters;
    c.queries++;
    c.peakQueriesInFlight = Math.max(c.peakQueriesInFlight, ++c.inFlight);
    try {
      const rows = await this.db.camera.findMany({ where: { code: { in: [...new Set(codes)] } }, include: { agency: { select: { name: true } } } });
      const byCode = new Map(rows.map((row) => [row.code, row]));
      return codes.map((code) => {
        const row = byCode.get(code);
        return row
          ? {
              id: row.id,
              code: row.code,
              siteId: row.siteId,
              agencyId: row.agencyId,
              agency: row.agency.name,
              active: row.status === 'ACTIVE',
              secret: openSecret(this.secretKey, row.secretEncrypted),
              certExpiresAt: row.certExpiresAt,
            }
          : null;
      });
    } finally {
      c.inFlight--;
    }
  }
}
