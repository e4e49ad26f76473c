import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../shared/app-error.ts';

const SHA256 = /^[0-9a-f]{64}$/;
const isErrno = (err: unknown, code: string): boolean => (err as NodeJS.ErrnoException).code === code;

const flushFile = async (path: string): Promise<void> => {
  const file = await open(path, 'r');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
};

export type TSweepReport = { scanned: number; removed: number; removedBytes: number; staleTemp: number };

/**
 * Files addressed by the sha256 of their bytes, `<dir>/ab/cd/<sha256>`: evidence images,
 * later notice PDFs. Paths come only from the hash, never from input. A file is created
 * exclusively at its name and flushed before the row that refers to it commits, so a row
 * only ever refers to complete bytes, and a file is never overwritten with other bytes
 * (only a damaged one is replaced by its right bytes); identical content is stored once
 * and shared. A name's durability with its file's flush assumes a journalling
 * filesystem (ext4 with its journal, xfs), as databases do.
 */
export class ContentStore {
  constructor(
    readonly dir: string,
    private readonly fsync: boolean,
  ) {}

  static sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new AppError('INVALID_INPUT', 'not a sha256');
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Stores the bytes (the caller may pass their hash, computed once); returns the hash. */
  async put(bytes: Buffer, sha256 = ContentStore.sha256(bytes)): Promise<string> {
    const final = this.pathOf(sha256);
    for (;;) {
      try {
        await writeFile(final, bytes, { flag: 'wx', flush: this.fsync });
        return sha256;
      } catch (err) {
        // Its shard directory is made on first use (a missing one costs one failed open;
        // an existing one costs nothing, which is nearly always once the store has grown).
        if (isErrno(err, 'ENOENT')) {
          await mkdir(dirname(final), { recursive: true });
          continue;
        }
        if (!isErrno(err, 'EEXIST')) throw err;
      }
      // The name is taken. The same bytes are shared: touched (the sweep never removes a
      // recently touched file, so the row about to refer to it cannot lose it) and flushed
      // (their writer may not have flushed them yet). Other bytes are a write cut short
      // (a crash, or a writer still at it; no row refers to them, rows commit after the
      // flush) and are replaced whole, atomically. Gone meanwhile (swept): create again.
      try {
        if (ContentStore.sha256(await readFile(final)) !== sha256) {
          await this.replace(final, bytes);
          return sha256;
        }
        const now = new Date();
        await utimes(final, now, now);
        if (this.fsync) await flushFile(final);
        return sha256;
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
  }

  /** Writes the bytes to a temporary name, flushes them and renames them over `final`. */
  private async replace(final: string, bytes: Buffer): Promise<void> {
    await mkdir(join(this.dir, 'tmp'), { recursive: true });
    const tmp = join(this.dir, 'tmp', randomUUID());
    await writeFile(tmp, bytes, { flag: 'wx', flush: this.fsync });
    await rename(tmp, final);
  }

  /** The stored bytes as a stream; fails with ENOENT when nothing is stored under this hash. */
  read(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }

  /**
   * Removes files no row refers to and that nobody has stored or touched for
   * `olderThanMs` (a request that failed after writing its evidence leaves such files),
   * and temporary files a crash left behind; with `part`, only that part of the store.
   * `referenced` answers which of the given hashes rows still refer to. A file is first renamed aside and checked again: if a
   * writer touched it meanwhile it is put back, so a file about to be referred to is
   * never lost.
   */
  async sweep(
    referenced: (sha256s: string[]) => Promise<Set<string>>,
    olderThanMs: number,
    opts: { now?: number; part?: { index: number; of: number } } = {},
  ): Promise<TSweepReport> {
    const cutoff = (opts.now ?? Date.now()) - olderThanMs;
    const { index, of } = opts.part ?? { index: 0, of: 1 };
    const report: TSweepReport = { scanned: 0, removed: 0, removedBytes: 0, staleTemp: 0 };
    const trash = join(this.dir, 'tmp');
    await mkdir(trash, { recursive: true });
    for (const name of await readdir(trash)) {
      const path = join(trash, name);
      const s = await stat(path).catch(() => undefined);
      if (s && s.mtimeMs < cutoff) {
        await unlink(path).catch(() => {});
        report.staleTemp++;
      }
    }
    // One part of the 256 top-level shards per run: a large store is walked over several
    // runs instead of holding the maintenance of its own queue for one long run.
    for (const a of (await this.shards(this.dir)).filter((name) => parseInt(name, 16) % of === index)) {
      for (const b of await this.shards(join(this.dir, a))) {
        const dir = join(this.dir, a, b);
        const old: { sha: string; size: number }[] = [];
        for (const sha of await readdir(dir)) {
          if (!SHA256.test(sha)) continue;
          report.scanned++;
          const s = await stat(join(dir, sha)).catch(() => undefined);
          if (s && s.mtimeMs < cutoff) old.push({ sha, size: s.size });
        }
        if (old.length === 0) continue;
        const kept = await referenced(old.map((o) => o.sha));
        for (const { sha, size } of old.filter((o) => !kept.has(o.sha))) {
          if (await this.removeIfUntouched(sha, cutoff)) {
            report.removed++;
            report.removedBytes += size;
          }
        }
      }
    }
    return report;
  }

  private async removeIfUntouched(sha256: string, cutoff: number): Promise<boolean> {
    const final = this.pathOf(sha256);
    const aside = join(this.dir, 'tmp', `swept-${sha256}-${randomUUID()}`);
    try {
      await rename(final, aside);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
    if ((await stat(aside)).mtimeMs >= cutoff) {
      await rename(aside, final);
      return false;
    }
    await unlink(aside);
    return true;
  }

  private async shards(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((n) => /^[0-9a-f]{2}$/.test(n));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }
}
