import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Evidence files addressed by the sha256 of their bytes: `<dir>/ab/cd/<sha256>`. A file is
 * written to a temporary name, flushed, then hard-linked into place, so a crash never
 * leaves a half-written file under a final name and an existing file is never
 * overwritten. Paths come only from the hash, never from camera input.
 */
export class EvidenceStore {
  private readonly madeDirs = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly fsync: boolean,
  ) {}

  static sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Buffer, sha256 = EvidenceStore.sha256(bytes)): Promise<string> {
    const final = this.pathOf(sha256);
    if (await exists(final)) return sha256;
    const tmpDir = join(this.dir, 'tmp');
    await this.ensureDir(tmpDir);
    await this.ensureDir(join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4)));
    const tmp = join(tmpDir, randomUUID());
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      if (this.fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(tmp);
    }
    return sha256;
  }

  private async ensureDir(path: string): Promise<void> {
    if (this.madeDirs.has(path)) return;
    await mkdir(path, { recursive: true });
    this.madeDirs.add(path);
  }
}

const exists = (path: string): Promise<boolean> =>
  access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
