import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Evidence files addressed by the sha256 of their bytes: `<dir>/ab/cd/<sha256>`. A file is
 * created exclusively (never overwritten) and flushed before its event commits. If a
 * file of that name already exists its bytes are checked: identical content is simply
 * shared; a file left half-written by a crash (its hash is wrong, and no event can refer
 * to it, since events commit only after the flush) is replaced atomically. Paths come
 * only from the hash, never from camera input.
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
    await this.ensureDir(join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4)));
    try {
      await writeFile(final, bytes, { flag: 'wx', flush: this.fsync });
      return sha256;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (EvidenceStore.sha256(await readFile(final)) === sha256) return sha256;
    const tmp = join(this.dir, 'tmp', randomUUID());
    await this.ensureDir(join(this.dir, 'tmp'));
    await writeFile(tmp, bytes, { flag: 'wx', flush: this.fsync });
    await rename(tmp, final);
    return sha256;
  }

  private async ensureDir(path: string): Promise<void> {
    if (this.madeDirs.has(path)) return;
    await mkdir(path, { recursive: true });
    this.madeDirs.add(path);
  }
}
