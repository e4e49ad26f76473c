import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
