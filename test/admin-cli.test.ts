import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TTestContext } from './support/context.ts';

const run = promisify(execFile);
let ctx: TTestContext;
const KEY = Buffer.alloc(32, 9).toString('base64');

const admin = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['src/admin/cli.ts', ...args], {
      env: { ...process.env, DATABASE_URL: ctx.dbUrl, CAMERA_SECRET_KEY: KEY },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

describe('npm run admin -- camera …', () => {
  it('adds a site and a camera, prints a generated secret once and stores it only encrypted', async () => {
    expect((await admin('site', 'add', '--code', 'S1', '--name', 'Cầu Sài Gòn', '--address', 'Xa lộ Hà Nội', '--province', 'TP. Hồ Chí Minh', '--expressway')).code).toBe(0);
    const added = await admin('camera', 'add', '--code', 'C1', '--site', 'S1', '--agency', 'Phòng CSGT', '--cert-number', 'KD-1', '--cert-expires', '2027-12-31');
    expect(added.code).toBe(0);
    const secret = /secret \(shown once.*\): ([0-9a-f]{64})/.exec(added.stdout)?.[1];
    expect(secret).toBeDefined();
    const row = await ctx.db.camera.findUniqueOrThrow({ where: { code: 'C1' } });
    expect(row.secretEncrypted).not.toContain(secret!);
    expect(row.certExpiresAt.toISOString()).toBe('2027-12-31T00:00:00.000Z');

    const list = await admin('camera', 'list');
    expect(list.stdout).toMatch(/C1\tACTIVE\tS1\texpressway\tKD-1/);
    expect(list.stdout).not.toContain(secret!);
  });

  it('refuses a duplicate camera or an unknown site with a clear error', async () => {
    const dup = await admin('camera', 'add', '--code', 'C1', '--site', 'S1', '--agency', 'x', '--cert-number', 'y', '--cert-expires', '2027-01-01');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('camera C1 already exists');
    const noSite = await admin('camera', 'add', '--code', 'C9', '--site', 'NOPE', '--agency', 'x', '--cert-number', 'y', '--cert-expires', '2027-01-01');
    expect(noSite.stderr).toContain('site NOPE does not exist');
    const shortSecret = await admin('camera', 'add', '--code', 'C9', '--site', 'S1', '--agency', 'x', '--cert-number', 'y', '--cert-expires', '2027-01-01', '--secret', 'short');
    expect(shortSecret.stderr).toContain('at least 32 characters');
  });

  it('disables a camera and rotates its secret, auditing both', async () => {
    expect((await admin('camera', 'disable', 'C1', '--reason', 'lens damaged')).stdout).toContain('disabled');
    const before = (await ctx.db.camera.findUniqueOrThrow({ where: { code: 'C1' } })).secretEncrypted;
    const rotated = await admin('camera', 'rotate-secret', 'C1');
    expect(rotated.stdout).toMatch(/new secret \(shown once\): [0-9a-f]{64}/);
    const after = await ctx.db.camera.findUniqueOrThrow({ where: { code: 'C1' } });
    expect(after.status).toBe('DISABLED');
    expect(after.secretEncrypted).not.toBe(before);
    const actions = (await ctx.db.auditEntry.findMany({ where: { entityType: 'camera', entityId: after.id }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['camera.add', 'camera.disable', 'camera.rotate-secret']);
  });
});
