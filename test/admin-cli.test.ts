import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('npm run admin -- registry import / fines load / jobs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pn-admin-'));

  it('imports a registry file, reports bad rows by line and changes nothing then', async () => {
    const good = join(dir, 'good.csv');
    writeFileSync(good, readFileSync('prisma/demo/registry.csv'));
    const first = await admin('registry', 'import', good);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('5 rows: owners 5 new, 0 updated, 0 unchanged; registrations 5 new');
    expect((await admin('registry', 'import', good)).stdout).toContain('owners 0 new, 0 updated, 5 unchanged; registrations 0 new, 0 updated, 5 unchanged');

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `${readFileSync(good, 'utf8').split('\n')[0]}\n51F-777.77,WHITE,CAR,Kia,K3,Đen,PERSON,A,12,addr,HN,,,2024-01-01,\n`);
    const refused = await admin('registry', 'import', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 2: owner_id:');
    expect(refused.stderr).toContain('nothing imported');
  });

  it('shows what a rule file would change, loads it only with --apply, and refuses to edit a loaded rule', async () => {
    const table = 'src/fines/tables/decree-168-2024.json';
    const dry = await admin('fines', 'load', table);
    expect(dry.stdout).toContain('+ ND168-6.9.b:RED_LIGHT v1: RED_LIGHT [CAR,TRUCK,BUS] 18000000–20000000 VND, 4 pts, from 2025-01-01');
    expect(dry.stdout).toContain('dry run: nothing written');
    expect(await ctx.db.fineRule.count()).toBe(0);
    expect((await admin('fines', 'load', table, '--apply')).stdout).toMatch(/loaded \d+ rule\(s\)/);
    const count = await ctx.db.fineRule.count();
    expect(count).toBeGreaterThan(40);

    const edited = JSON.parse(readFileSync(table, 'utf8'));
    edited.rules[0].fineMax = 25_000_000;
    const editedPath = join(dir, 'edited.json');
    writeFileSync(editedPath, JSON.stringify(edited));
    const refused = await admin('fines', 'load', editedPath, '--apply');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('! ND168-6.9.b:RED_LIGHT v1 differs from the loaded rule: fineMax: 20000000 → 25000000');
    expect(await ctx.db.fineRule.count()).toBe(count);

    edited.rules = [{ ...edited.rules[0], version: 2, effectiveFrom: '2026-08-15' }];
    writeFileSync(editedPath, JSON.stringify(edited));
    expect((await admin('fines', 'load', editedPath, '--apply')).stdout).toContain('loaded 1 rule(s)');
    expect(await ctx.db.fineRule.count()).toBe(count + 1);
  });

  it('lists dead letters', async () => {
    expect((await admin('jobs', 'failed')).stdout).toContain('no failed jobs');
    const bad = await admin('jobs', 'retry', '12345');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no dead letter 12345');
  });
});
