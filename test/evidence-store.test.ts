import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { samplePng } from '../scripts/sample-images.ts';
import { ContentStore } from '../src/storage/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'pn-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ContentStore', () => {
  const store = new ContentStore(dir, true);

  it('stores bytes under their sha256 and never rewrites an existing file (it only touches it)', async () => {
    const bytes = samplePng(10, 10, 5);
    const sha = await store.put(bytes);
    expect(sha).toBe(ContentStore.sha256(bytes));
    const path = store.pathOf(sha);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    const before = statSync(path);
    await store.put(bytes);
    const after = statSync(path);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBeGreaterThanOrEqual(before.mtimeMs);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('replaces a file a crash left half-written, so its evidence is whole again', async () => {
    const bytes = samplePng(12, 12, 6);
    const sha = ContentStore.sha256(bytes);
    const path = store.pathOf(sha);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes.subarray(0, 10));
    await store.put(bytes);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses a path that is not a sha256', () => {
    expect(() => store.pathOf('../../etc/passwd')).toThrow();
  });
});

describe('ContentStore.sweep', () => {
  const dirSweep = mkdtempSync(join(tmpdir(), 'pn-sweep-'));
  afterAll(() => rmSync(dirSweep, { recursive: true, force: true }));
  const store = new ContentStore(dirSweep, false);
  const DAY = 86_400_000;
  const age = (path: string, ms: number) => {
    const t = new Date(Date.now() - ms);
    utimesSync(path, t, t);
  };

  it('removes old files no row refers to and stale temporary files, and keeps the rest', async () => {
    const referenced = await store.put(samplePng(9, 9, 1));
    const orphan = await store.put(samplePng(9, 9, 2));
    const fresh = await store.put(samplePng(9, 9, 3));
    age(store.pathOf(referenced), 2 * DAY);
    age(store.pathOf(orphan), 2 * DAY);
    mkdirSync(join(dirSweep, 'tmp'), { recursive: true });
    const leftover = join(dirSweep, 'tmp', 'crashed-write');
    writeFileSync(leftover, 'half');
    age(leftover, 2 * DAY);

    const report = await store.sweep(async (shas) => new Set(shas.filter((s) => s === referenced)), DAY);
    expect(report).toMatchObject({ scanned: 3, removed: 1, staleTemp: 1 });
    expect(existsSync(store.pathOf(referenced))).toBe(true);
    expect(existsSync(store.pathOf(orphan))).toBe(false);
    expect(existsSync(store.pathOf(fresh))).toBe(true);
    expect(existsSync(leftover)).toBe(false);
  });

  it('keeps a file stored again while the sweep looks at it (the writer touches it)', async () => {
    const store = new ContentStore(mkdtempSync(join(dirSweep, 'race-')), false);
    const bytes = samplePng(9, 9, 4);
    const sha = await store.put(bytes);
    age(store.pathOf(sha), 2 * DAY);
    // The row is not committed yet when the sweep asks; the writer stores the same bytes meanwhile.
    const report = await store.sweep(async () => {
      await store.put(bytes);
      return new Set();
    }, DAY);
    expect(report).toMatchObject({ scanned: 1, removed: 0 });
    expect(readFileSync(store.pathOf(sha)).equals(bytes)).toBe(true);
  });

  it('walks one part of the store per run when asked to, and all of it over the parts', async () => {
    const store = new ContentStore(mkdtempSync(join(dirSweep, 'parts-')), false);
    const shas = await Promise.all([10, 11, 12, 13, 14, 15].map((n) => store.put(samplePng(9, 9, n))));
    for (const sha of shas) age(store.pathOf(sha), 2 * DAY);
    const none = async () => new Set<string>();
    const first = await store.sweep(none, DAY, { part: { index: 0, of: 2 } });
    const second = await store.sweep(none, DAY, { part: { index: 1, of: 2 } });
    const even = shas.filter((s) => parseInt(s.slice(0, 2), 16) % 2 === 0).length;
    expect([first.removed, second.removed]).toEqual([even, shas.length - even]);
    expect(shas.every((s) => !existsSync(store.pathOf(s)))).toBe(true);
  });
});
