import type { TDb } from '../db/client.ts';
import { openSecret } from './secret-box.ts';

export type TCameraAuth = {
  id: string;
  code: string;
  siteId: string;
  /** The detecting unit that operates the camera. */
  agency: string;
  active: boolean;
  secret: Buffer;
  certExpiresAt: Date;
};

/**
 * Camera records as the ingest path needs them, cached per process for `ttlMs` so a
 * signature check costs no database round trip. A disabled camera or a rotated secret
 * therefore takes effect within `ttlMs` in every API process.
 */
export class CameraDirectory {
  private readonly cache = new Map<string, { at: number; camera: TCameraAuth | null }>();

  constructor(
    private readonly db: TDb,
    private readonly secretKey: Buffer,
    private readonly ttlMs: number,
  ) {}

  async byCode(code: string): Promise<TCameraAuth | null> {
    const hit = this.cache.get(code);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.camera;
    const row = await this.db.camera.findUnique({ where: { code } });
    const camera = row
      ? {
          id: row.id,
          code: row.code,
          siteId: row.siteId,
          agency: row.agency,
          active: row.status === 'ACTIVE',
          secret: openSecret(this.secretKey, row.secretEncrypted),
          certExpiresAt: row.certExpiresAt,
        }
      : null;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(code, { at: Date.now(), camera });
    return camera;
  }
}
