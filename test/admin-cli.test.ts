import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TAdminDeps } from '../src/admin/deps.ts';
import { buildProgram, runProgram } from '../src/admin/program.ts';
import { CameraDirectory } from '../src/cameras/index.ts';
import { createDb } from '../src/db/client.ts';
import type { TServices } from '../src/compose.ts';
import { createTestContext, testServices, type TTestContext } from './support/context.ts';
import { DEAD_PORT, testDbUrl } from './support/urls.ts';

const KEY = randomBytes(32);
const STACK_LINE = /^\s+at /m;
let ctx: TTestContext;
let services: TServices;

type TRun = { code: number; stdout: string; stderr: string };

/** The test's database and queues; output captured into `res`. */
const testDeps = (res: TRun, over: Partial<TAdminDeps> = {}): TAdminDeps => ({
  db: ctx.db,
  secretKey: KEY,
  actor: 'admin-cli:test',
  out: (line) => (res.stdout += `${line}\n`),
  err: (line) => (res.stderr += `${line}\n`),
  readStdin: async () => '',
  services,
  ...over,
});

/** Runs one admin command line in this process, as `npm run admin -- …` would. */
const run = async (args: string[], over: Partial<TAdminDeps> = {}): Promise<TRun> => {
  const res = { code: 0, stdout: '', stderr: '' };
  const deps = testDeps(res, over);
  res.code = await runProgram(buildProgram(deps), args, deps);
  return res;
};
const admin = (...args: string[]) => run(args);
const storedSecret = async (code: string) => (await new CameraDirectory(ctx.db, KEY, 0).byCode(code))?.secret.toString('utf8');

const dir = mkdtempSync(join(tmpdir(), 'pn-admin-'));
const SECRET = 'a-camera-secret-from-a-pipe-or-a-file-1234';

beforeAll(async () => {
  ctx = await createTestContext();
  services = testServices(ctx, { env: { CAMERA_SECRET_KEY: KEY.toString('base64') } });
});
afterAll(async () => {
  await services.close();
  await ctx.close();
});

describe('admin CLI: sites and cameras', () => {
  it('adds a site and a camera, prints a generated secret once and stores it only encrypted', async () => {
    expect((await admin('site', 'add', '--code', 'S1', '--name', 'Cầu Sài Gòn', '--address', 'Xa lộ Hà Nội', '--province', 'TP. Hồ Chí Minh', '--expressway')).code).toBe(0);
    expect((await admin('agency', 'add', '--code', 'PC08-HCM', '--name', 'Phòng CSGT Công an TP. Hồ Chí Minh', '--province', 'TP. Hồ Chí Minh')).code).toBe(0);
    const added = await admin('camera', 'add', '--code', 'C1', '--site', 'S1', '--agency', 'PC08-HCM', '--cert-number', 'KD-1', '--cert-expires', '2099-12-31');
    expect(added.code).toBe(0);
    const secret = /secret \(shown once.*\): ([0-9a-f]{64})/.exec(added.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(await storedSecret('C1')).toBe(secret);
    const row = await ctx.db.camera.findUniqueOrThrow({ where: { code: 'C1' } });
    expect(row.secretEncrypted).not.toContain(secret!);
    expect(row.certExpiresAt.toISOString()).toBe('2099-12-31T00:00:00.000Z');

    const list = await admin('camera', 'list');
    expect(list.stdout.split('\n')[0]).toBe('code\tstatus\tsite\troad\tcertificate\tcert expires\tagency');
    expect(list.stdout).toContain('C1\tACTIVE\tS1\texpressway\tKD-1\t2099-12-31\tPC08-HCM');
    expect(list.stdout).not.toContain(secret!);

    const sites = await admin('site', 'list');
    expect(sites.stdout).toBe('code\tname\tunit\tprovince\tplace\tcameras\nS1\tCầu Sài Gòn\t79\tThành phố Hồ Chí Minh\texpressway\t1\n');
  });

  it('refuses "site update" with no kind option: nothing to change, nothing audited', async () => {
    const res = await admin('site', 'update', '--code', 'S1');
    expect(res).toMatchObject({ code: 1, stdout: '' });
    expect(res.stderr).toBe('error: nothing to change: give at least one of --expressway, --urban, --residential, --bridge, --tunnel or its --no- form\n');
    expect(await ctx.db.auditEntry.count({ where: { action: 'site.update' } })).toBe(0);
  });

  it('refuses a duplicate camera, an unknown site or a short secret with one clean error line', async () => {
    const dup = await admin('camera', 'add', '--code', 'C1', '--site', 'S1', '--agency', 'PC08-HCM', '--cert-number', 'y', '--cert-expires', '2099-01-01');
    expect(dup).toMatchObject({ code: 1, stderr: 'error: camera C1 already exists\n' });
    const noSite = await admin('camera', 'add', '--code', 'C9', '--site', 'NOPE', '--agency', 'PC08-HCM', '--cert-number', 'y', '--cert-expires', '2099-01-01');
    expect(noSite).toMatchObject({ code: 1, stderr: 'error: site NOPE does not exist; add it with "site add"\n' });
    const shortSecret = await admin('camera', 'add', '--code', 'C9', '--site', 'S1', '--agency', 'PC08-HCM', '--cert-number', 'y', '--cert-expires', '2099-01-01', '--secret', 'short');
    expect(shortSecret).toMatchObject({ code: 1, stderr: 'error: secret: a camera secret has at least 32 characters\n' });
    const badDate = await admin('camera', 'add', '--code', 'C9', '--site', 'S1', '--agency', 'PC08-HCM', '--cert-number', 'y', '--cert-expires', 'next year');
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/^error: option '--cert-expires <date>' argument 'next year' is invalid/);
    expect(await ctx.db.camera.count({ where: { code: 'C9' } })).toBe(0);
  });

  it('reads a secret from standard input or a file, so it stays out of ps and shell history', async () => {
    const fromStdin = await run(['camera', 'add', '--code', 'C2', '--site', 'S1', '--agency', 'PC08-HCM', '--cert-number', 'y', '--cert-expires', '2099-01-01', '--secret-stdin'], {
      readStdin: async () => `${SECRET}\n`,
    });
    expect(fromStdin).toMatchObject({ code: 0, stdout: 'camera C2 added\n', stderr: '' });
    expect(await storedSecret('C2')).toBe(SECRET);

    const file = join(dir, 'secret');
    writeFileSync(file, `${SECRET}-rotated\n`, { mode: 0o600 });
    expect((await admin('camera', 'rotate-secret', 'C2', '--secret-file', file)).stdout).toBe('camera C2: secret rotated\n');
    expect(await storedSecret('C2')).toBe(`${SECRET}-rotated`);

    const missing = await admin('camera', 'rotate-secret', 'C2', '--secret-file', join(dir, 'nope'));
    expect(missing).toMatchObject({ code: 1, stderr: `error: cannot read ${join(dir, 'nope')}: no such file\n` });
    const twoLines = await run(['camera', 'rotate-secret', 'C2', '--secret-stdin'], { readStdin: async () => `${SECRET}\nmore\n` });
    expect(twoLines).toMatchObject({ code: 1, stderr: 'error: standard input: a secret is one line\n' });
    const both = await admin('camera', 'rotate-secret', 'C2', '--secret', SECRET, '--secret-file', file);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("option '--secret <secret>' cannot be used with option '--secret-file <path>'");
    expect(await storedSecret('C2')).toBe(`${SECRET}-rotated`);
  });

  it('refuses a camera whose certificate has already expired unless --force, and then warns', async () => {
    const args = ['camera', 'add', '--code', 'C3', '--site', 'S1', '--agency', 'PC08-HCM', '--cert-number', 'y', '--cert-expires', '2020-01-01', '--secret', SECRET];
    const refused = await admin(...args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: the calibration certificate expired on 2020-01-01: .*add --force/);
    expect(await ctx.db.camera.count({ where: { code: 'C3' } })).toBe(0);

    const forced = await admin(...args, '--force');
    expect(forced).toMatchObject({ code: 0, stdout: 'camera C3 added\n' });
    expect(forced.stderr).toMatch(/^warning: camera C3: its calibration certificate expired on 2020-01-01/);
    expect((await admin('camera', 'list')).stdout).toContain('C3\tACTIVE\tS1\texpressway\ty\t2020-01-01 (expired)');
  });

  it('disables a camera and rotates its secret, auditing both', async () => {
    expect((await admin('camera', 'disable', 'C1', '--reason', 'lens damaged')).stdout).toBe('camera C1 disabled\n');
    const before = (await ctx.db.camera.findUniqueOrThrow({ where: { code: 'C1' } })).secretEncrypted;
    const rotated = await admin('camera', 'rotate-secret', 'C1');
    expect(rotated.stdout).toMatch(/new secret \(shown once\): [0-9a-f]{64}/);
    const after = await ctx.db.camera.findUniqueOrThrow({ where: { code: 'C1' } });
    expect(after.status).toBe('DISABLED');
    expect(after.secretEncrypted).not.toBe(before);
    const actions = (await ctx.db.auditEntry.findMany({ where: { entityType: 'camera', entityId: after.id }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['camera.add', 'camera.disable', 'camera.rotate-secret']);
    expect((await admin('camera', 'enable', 'NOPE')).stderr).toBe('error: camera NOPE does not exist\n');
  });
});

describe('admin CLI: registry import, fines load, dead letters', () => {
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
    expect(refused.stderr).toContain(`${bad}: line 2: owner_id:`);
    expect(refused.stderr).toContain('error: nothing imported: fix the 1 problem(s) above and run again');

    const missing = await admin('registry', 'import', join(dir, 'missing.csv'));
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: `error: cannot read ${join(dir, 'missing.csv')}: no such file\n` });
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

    // Rows of one act told apart by their conditions (Decree 168 Art 6.4.k, 6.4.đ, 6.11.đ; 6.3.a; 7.3.b).
    const listed = (await admin('fines', 'list')).stdout;
    expect(listed.split('\n')[0]).toBe('rule\tviolation\tclasses\tconditions\tVND\tpoints\teffective\tstatus');
    expect(listed).toContain('ND168-6.4.k:FORBIDDEN_U_TURN@1\tFORBIDDEN_U_TURN\tCAR,TRUCK,BUS\tnot-expressway,not-tunnel\t');
    expect(listed).toContain('ND168-6.4.đ:FORBIDDEN_U_TURN@1\tFORBIDDEN_U_TURN\tCAR,TRUCK,BUS\tnot-expressway,tunnel\t');
    expect(listed).toContain('ND168-6.11.đ:FORBIDDEN_U_TURN@1\tFORBIDDEN_U_TURN\tCAR,TRUCK,BUS\texpressway\t');
    expect(listed).toContain('ND168-6.3.a:SPEEDING@1\tSPEEDING\tCAR,TRUCK,BUS\tover 5-9 km/h\t');
    expect(listed).toContain('ND168-7.3.b:EXCESS_PASSENGERS@2\tEXCESS_PASSENGERS\tMOTORCYCLE,MOPED\tpassengers 3+\t');
    expect(listed).toMatch(/ND168-6\.9\.b:RED_LIGHT@1\tRED_LIGHT\tCAR,TRUCK,BUS\t-\t/);

    const edited = JSON.parse(readFileSync(table, 'utf8'));
    edited.rules[0].fineMax = 25_000_000;
    const editedPath = join(dir, 'edited.json');
    writeFileSync(editedPath, JSON.stringify(edited));
    const refused = await admin('fines', 'load', editedPath, '--apply');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('! ND168-6.9.b:RED_LIGHT v1 differs from the loaded rule: fineMax: 20000000 → 25000000');
    expect(refused.stderr).toBe('error: loaded rules are never edited; give a changed rule a new version with its own effective dates\n');
    expect(await ctx.db.fineRule.count()).toBe(count);

    edited.rules = [{ ...edited.rules[0], version: 2, effectiveFrom: '2026-08-15' }];
    edited.withdraws = [];
    writeFileSync(editedPath, JSON.stringify(edited));
    expect((await admin('fines', 'load', editedPath, '--apply')).stdout).toContain('loaded 1 rule(s)');
    expect(await ctx.db.fineRule.count()).toBe(count + 1);

    const night = JSON.parse(readFileSync(table, 'utf8'));
    night.decree = 'TEST/2026';
    night.rules = [{ ...night.rules[0], code: 'TEST-NIGHT', conditions: { residential: true, localTime: { from: '22:00', to: '05:00' } } }];
    night.withdraws = [];
    writeFileSync(join(dir, 'night.json'), JSON.stringify(night));
    expect((await admin('fines', 'load', join(dir, 'night.json'), '--apply')).code).toBe(0);
    expect((await admin('fines', 'list')).stdout).toMatch(/\nTEST-NIGHT@1\t[A-Z_]+\t[A-Z,]+\tresidential,22:00-05:00\t/);
  });

  it('names the file when a rule table cannot be read, is not JSON or breaks the schema', async () => {
    const missing = await admin('fines', 'load', join(dir, 'missing.json'));
    expect(missing).toMatchObject({ code: 1, stderr: `error: cannot read ${join(dir, 'missing.json')}: no such file\n` });
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"rules": [');
    const garbled = await admin('fines', 'load', notJson);
    expect(garbled.code).toBe(1);
    expect(garbled.stderr).toMatch(new RegExp(`^error: ${notJson}: .*JSON`));
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ ...JSON.parse(readFileSync('src/fines/tables/decree-168-2024.json', 'utf8')), effectiveFrom: 'soon' }));
    expect(await admin('fines', 'load', wrong)).toMatchObject({ code: 1, stderr: `error: ${wrong}: effectiveFrom: YYYY-MM-DD\n` });
  });

  it('lists a dead letter with its id, queue and reason, and re-drives it through its stage', async () => {
    expect((await admin('jobs', 'failed')).stdout).toBe('no failed jobs\n');
    const letter = await ctx.db.failedJob.create({
      data: { queue: 'owner', jobId: 'owner-rows-7-9', payload: { ids: ['7d9c1a52-3f0e-4b8e-9a57-5b0f1c2d3e4f'] }, reason: 'registry answered 500 three times', attempts: 5 },
    });
    const failed = await admin('jobs', 'failed');
    const [header, row] = failed.stdout.trimEnd().split('\n');
    expect(header).toBe('id\tqueue\tjob\tfailed at\tattempts\tstate\treason');
    expect(row).toBe([letter.id, 'owner', 'owner-rows-7-9', letter.failedAt.toISOString(), 5, 'waiting', 'registry answered 500 three times'].join('\t'));

    const retried = await admin('jobs', 'retry', String(letter.id));
    expect(retried).toMatchObject({ code: 0, stdout: `${letter.id}: 1 item(s) handed to owner again\n` });
    // Through the outbox, like every hand-over: the relay takes it to the queue.
    expect(await ctx.db.outboxMessage.findMany({ select: { queue: true, entityId: true } })).toEqual([{ queue: 'owner', entityId: '7d9c1a52-3f0e-4b8e-9a57-5b0f1c2d3e4f' }]);
    expect((await admin('jobs', 'failed')).stdout).toBe('no failed jobs\n');
    expect((await admin('jobs', 'failed', '--all')).stdout).toContain('\tre-driven ');

    expect(await admin('jobs', 'retry', '12345')).toMatchObject({ code: 1, stderr: 'error: no dead letter 12345\n' });
    expect(await admin('jobs', 'retry')).toMatchObject({ code: 1, stderr: 'error: give a dead letter id (a number, see "jobs failed") or --all\n' });
    expect((await admin('jobs', 'retry', '--all')).stdout).toBe('no failed jobs to retry\n');
  });
});

describe('admin CLI: pipeline and cases', () => {
  it('shows what waits in each automated state and each queue', async () => {
    const res = await admin('pipeline', 'status');
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toBe('entity\tstate\tnext queue\twaiting\toverdue\toldest');
    expect(lines).toContain('camera_event\tRECEIVED\tdedup\t0\t0\t-');
    expect(lines).toContain('case\tDETECTED\towner\t0\t0\t-');
    expect(lines).toContain('queue\toutbox\toutbox oldest\tjobs waiting\tactive\tdelayed\tfailed\tdead letters');
  });

  it('re-resolves flagged cases, and refuses a flag the look-up does not set', async () => {
    expect(await admin('cases', 'reresolve', '--flag', 'UNREGISTERED_PLATE', '--since', '2026-01-01')).toMatchObject({
      code: 0,
      stdout: 'no case waiting for review carries UNREGISTERED_PLATE\n',
    });
    const bad = await admin('cases', 'reresolve', '--flag', 'NO_RULE');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("argument 'NO_RULE' is invalid");
    expect((await admin('cases', 'reresolve', '--flag', 'CLASS_MISMATCH', '--since', 'yesterday')).stderr).toContain('a date YYYY-MM-DD');
  });
});

describe('admin CLI: the program', () => {
  it('describes every command, prints help with exit code 0 and refuses an unknown command', async () => {
    const undescribed: string[] = [];
    const walk = (cmd: Command, path: string) => {
      for (const sub of cmd.commands) {
        if (!sub.description()) undescribed.push(`${path} ${sub.name()}`);
        walk(sub, `${path} ${sub.name()}`);
      }
    };
    walk(buildProgram(testDeps({ code: 0, stdout: '', stderr: '' })), 'admin');
    expect(undescribed).toEqual([]);

    const help = await admin('site', '--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('list the sites and how many cameras each has');
    const unknown = await admin('camera', 'remove', 'C1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown command 'remove'/);
  });

  it('reports an unexpected failure (the database is down) as one error line, without a stack', async () => {
    const url = new URL(testDbUrl('pn_unreachable'));
    url.port = String(DEAD_PORT);
    const down = createDb(url.toString(), 1);
    try {
      const res = await run(['camera', 'list'], { db: down });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^error: database: .+\n$/);
      expect(res.stderr).not.toMatch(STACK_LINE);
    } finally {
      await down.$disconnect();
    }
  });

  it('runs as `npm run admin` through the real entry (configuration, database, exit code)', async () => {
    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['src/admin/cli.ts', 'camera', 'list'], {
      env: { ...process.env, DATABASE_URL: ctx.dbUrl, CAMERA_SECRET_KEY: KEY.toString('base64') },
    });
    expect(stdout).toMatch(/^code\tstatus\t.*\nC1\tDISABLED\tS1\t/);
  });
});
