import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { TAdminDeps } from '../src/admin/deps.ts';
import { buildProgram, runProgram } from '../src/admin/program.ts';
import { appendAuditSql, chainHash, checkpointMarginMs, draftAudit, verifyAudit, verifyAuditChain, writeCheckpoint } from '../src/audit/index.ts';
import { digestRange } from '../src/audit/audit-reads.ts';
import { checkpointMac, checkpointProblem, type TCheckpoint } from '../src/audit/checkpoint-digest.ts';
import type { TServices } from '../src/compose.ts';
import type { TDb } from '../src/db/index.ts';
import type { Prisma } from '../src/generated/prisma/client.ts';
import { createTestContext, testServices, type TTestContext } from './support/context.ts';
import { asSuperuser } from './support/tamper.ts';

const KEY = randomBytes(32);
// A 60 s interval makes an entry stale (uncovered past two intervals and the margin) after 3 min.
const ENV = { AUDIT_CHECKPOINT_KEY: KEY.toString('base64'), AUDIT_CHECKPOINT_INTERVAL_SECONDS: '60' };
const TEN_MINUTES_AGO = () => new Date(Date.now() - 10 * 60_000);

type TLogLine = { msg: string; checkpoint?: { seq: number; digest: string } };
type TWorld = { ctx: TTestContext; services: TServices; logged: TLogLine[]; checkpoint: () => Promise<unknown> };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** Appends through the one writer; `at` older than the safety margin unless given. */
const append = (db: TDb, entityType: string, entityId: string, action: string, at = TEN_MINUTES_AGO()) =>
  db.$executeRaw(appendAuditSql([draftAudit({ actor: 'system:test', entityType, entityId, action, reason: `${action} of ${entityId}`, data: { step: action } }, at)]));

/**
 * A database of its own with five chains: 9 entries interleaved across case c-1, c-2 and
 * camera k-1, checkpoint #1; 3 more (c-3, c-1), checkpoint #2, both written by the
 * maintenance task; then 2 entries newer than the margin, which no checkpoint covers.
 */
const world = async (): Promise<TWorld> => {
  const ctx = await createTestContext();
  const logged: TLogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as TLogLine) });
  const services = testServices(ctx, { env: ENV, logger });
  closers.push(async () => {
    await services.close();
    await ctx.close();
  });
  const task = services.maintenanceTasks().find((t) => t.name === 'audit-checkpoint')!;
  const checkpoint = () => task.run(services.logger);
  const db = ctx.db;
  for (const [type, id, action] of [
    ['case', 'c-1', 'case.open'], ['case', 'c-2', 'case.open'], ['camera', 'k-1', 'camera.add'],
    ['case', 'c-1', 'case.owner'], ['case', 'c-2', 'case.owner'], ['case', 'c-1', 'case.fine'],
    ['camera', 'k-1', 'camera.disable'], ['case', 'c-2', 'case.fine'], ['case', 'c-1', 'case.review'],
  ] as const) await append(db, type, id, action);
  expect(await checkpoint()).toMatchObject({ seq: 1, entries: 9 });
  await append(db, 'case', 'c-3', 'case.open');
  await append(db, 'case', 'c-1', 'case.approve');
  await append(db, 'case', 'c-3', 'case.owner');
  expect(await checkpoint()).toMatchObject({ seq: 2, entries: 3 });
  await append(db, 'case', 'c-3', 'case.fine', new Date());
  await append(db, 'case', 'c-4', 'case.open', new Date());
  return { ctx, services, logged, checkpoint };
};

type TRun = { code: number; stdout: string; stderr: string };

/** `npm run admin -- …` in this process, on the world's database. */
const admin = async (w: TWorld, ...args: string[]): Promise<TRun> => {
  const res = { code: 0, stdout: '', stderr: '' };
  const deps: TAdminDeps = {
    db: w.ctx.db,
    secretKey: randomBytes(32),
    actor: 'admin-cli:test',
    out: (line) => (res.stdout += `${line}\n`),
    err: (line) => (res.stderr += `${line}\n`),
    readStdin: async () => '',
    services: w.services,
  };
  res.code = await runProgram(buildProgram(deps), args, deps);
  return res;
};

const verify = (w: TWorld, entity?: { type: string; id: string }) => w.services.audit().verify(entity);
const entriesOf = (w: TWorld, entityType: string, entityId: string) => w.ctx.db.auditEntry.findMany({ where: { entityType, entityId }, orderBy: { id: 'asc' } });
const checkpoints = (w: TWorld): Promise<TCheckpoint[]> => w.ctx.db.auditCheckpoint.findMany({ orderBy: { seq: 'asc' } });

/** What an attacker with the code but not the key does: edits an entry and rehashes the rest of its chain so it verifies. */
const rewriteChain = async (w: TWorld, entityType: string, entityId: string, index: number, reason: string) => {
  const rows = await entriesOf(w, entityType, entityId);
  await asSuperuser(w.ctx.pool, async (c) => {
    let prev = rows[index - 1]?.hash ?? null;
    for (const [i, r] of rows.entries()) {
      if (i < index) continue;
      const next = { ...r, reason: i === index ? reason : r.reason, prevHash: prev, data: r.data as Prisma.InputJsonValue | null };
      const hash = chainHash(prev, next);
      await c.query('UPDATE audit_entry SET reason = $2, prev_hash = $3, hash = $4 WHERE id = $1', [r.id, next.reason, prev, hash]);
      prev = hash;
    }
  });
};

describe('audit log: append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of entries and of checkpoints, and the log still verifies', async () => {
    const w = await world();
    for (const table of ['audit_entry', 'audit_checkpoint']) {
      const column = table === 'audit_entry' ? 'reason' : 'digest';
      await expect(w.ctx.pool.query(`UPDATE ${table} SET ${column} = 'x'`)).rejects.toThrow(`${table} is append-only: UPDATE refused`);
      await expect(w.ctx.pool.query(`DELETE FROM ${table}`)).rejects.toThrow(`${table} is append-only: DELETE refused`);
      await expect(w.ctx.pool.query(`TRUNCATE ${table}`)).rejects.toThrow(`${table} is append-only: TRUNCATE refused`);
    }
    const report = await verify(w);
    expect(report).toMatchObject({ ok: true, entries: 14, chains: 5, checkpoints: { total: 2, verified: 2 } });
  });
});

describe('audit verify', () => {
  it('passes a clean log: every chain, every checkpoint recomputed, the newest entries by their chain; the log holds each digest', async () => {
    const w = await world();
    const [first, second] = await checkpoints(w);
    const ids = (await w.ctx.db.auditEntry.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
    // The two entries newer than the margin wait for a later checkpoint.
    expect(second!.lastId).toBe(ids[11]);
    expect(await w.checkpoint()).toEqual({ written: false });

    const clean = await admin(w, 'audit', 'verify');
    expect(clean).toMatchObject({ code: 0, stderr: '' });
    expect(clean.stdout).toContain(`14 entries in 5 chains verified; 2 checkpoints verified up to entry ${second!.lastId}\n`);
    expect(clean.stdout).toContain('2 entries newer than the last checkpoint: verified by chain only\n');
    expect(clean.stdout).toContain(`latest checkpoint #2 (${second!.createdAt.toISOString()}, up to entry ${second!.lastId}) has digest ${second!.digest}`);

    const inLog = w.logged.filter((l) => l.msg === 'audit checkpoint').map((l) => l.checkpoint);
    expect(inLog).toMatchObject([{ seq: 1, digest: first!.digest }, { seq: 2, digest: second!.digest }]);

    const one = await admin(w, 'audit', 'verify', '--entity', 'case', 'c-1');
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout).toContain('case c-1: 5 entries verified; 2 checkpoints verified up to entry');
    expect(one.stdout).toContain('(recomputed from the entries: #1, #2)');
    expect((await admin(w, 'audit', 'verify', '--entity', 'case', 'c-4')).stdout).toContain('(none holds its entries)');
    expect((await admin(w, 'audit', 'checkpoint')).stdout).toBe('nothing to checkpoint: no entry since the last checkpoint is older than 60 s yet\n');
  });

  it('catches the newest entry of a chain removed, which its chain alone cannot show', async () => {
    const w = await world();
    const newest = (await entriesOf(w, 'case', 'c-2')).at(-1)!;
    await asSuperuser(w.ctx.pool, (c) => c.query('DELETE FROM audit_entry WHERE id = $1', [newest.id]));
    expect(await verifyAuditChain(w.ctx.db, 'case', 'c-2')).toBeNull();

    const res = await admin(w, 'audit', 'verify');
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('broken: checkpoint #1: it counts 9 entries in (0, 9], the log holds 8: entries were removed or inserted\n');
    expect(res.stdout).toContain('13 entries in 5 chains verified; #1 of 2 fails\n');
    expect(res.stderr).toBe('error: the audit log does not verify: checkpoint #1 fails\n');
  });

  it('catches every entry of an entity removed', async () => {
    const w = await world();
    // The other way a superuser silences triggers: for the table, until enabled again.
    await asSuperuser(w.ctx.pool, async (c) => {
      await c.query('ALTER TABLE audit_entry DISABLE TRIGGER USER');
      await c.query(`DELETE FROM audit_entry WHERE entity_type = 'camera' AND entity_id = 'k-1'`);
      await c.query('ALTER TABLE audit_entry ENABLE TRIGGER USER');
    });
    const report = await verify(w);
    expect(report).toMatchObject({ ok: false, entries: 12, chains: 4, brokenChains: 0, checkpoints: { verified: 0, failure: { seq: 1 } } });
    expect(report.checkpoints.failure!.problem).toMatch(/counts 9 entries .* holds 7/);
    expect(await admin(w, 'audit', 'verify', '--entity', 'camera', 'k-1')).toMatchObject({
      code: 1,
      stderr: 'error: no audit entries for camera k-1: a wrong id, or its entries were removed (run "audit verify" without --entity)\n',
    });
  });

  it('catches the oldest entries of a chain removed, in the chain and in the checkpoint', async () => {
    const w = await world();
    const [opened, owner] = await entriesOf(w, 'case', 'c-3');
    await asSuperuser(w.ctx.pool, (c) => c.query('DELETE FROM audit_entry WHERE id = $1', [opened!.id]));
    const report = await verify(w);
    expect(report.breaks).toEqual([
      { id: owner!.id, entityType: 'case', entityId: 'c-3', action: 'case.owner', problem: 'it names a previous entry that is not there: earlier entries were removed' },
    ]);
    expect(report.checkpoints).toMatchObject({ verified: 1, failure: { seq: 2 } });
  });

  it('catches an entry edited and the rest of its chain rehashed, also with --entity', async () => {
    const w = await world();
    await rewriteChain(w, 'case', 'c-1', 1, 'owner: someone else');
    expect(await verifyAuditChain(w.ctx.db, 'case', 'c-1')).toBeNull();

    const report = await verify(w);
    expect(report).toMatchObject({ ok: false, brokenChains: 0, checkpoints: { verified: 0, failure: { seq: 1 } } });
    expect(report.checkpoints.failure!.problem).toBe('its digest does not match the entries in (0, 9]: entries were edited or replaced');
    const one = await admin(w, 'audit', 'verify', '--entity', 'case', 'c-1');
    expect(one.code).toBe(1);
    expect(one.stdout).toContain('broken: checkpoint #1: its digest does not match the entries in (0, 9]');
  });

  it('catches checkpoints recomputed without the key, and never signs on top of them', async () => {
    const w = await world();
    await rewriteChain(w, 'case', 'c-1', 1, 'owner: someone else');
    // The attacker recomputes every checkpoint over the rewritten log, signing with a key of their own.
    const forgedKey = randomBytes(32);
    let prevDigest: string | null = null;
    for (const cp of await checkpoints(w)) {
      const { digest } = await digestRange(w.ctx.db, prevDigest, cp.afterId, cp.lastId);
      const mac = checkpointMac(forgedKey, { ...cp, digest });
      await asSuperuser(w.ctx.pool, (c) => c.query('UPDATE audit_checkpoint SET digest = $2, mac = $3 WHERE seq = $1', [cp.seq, digest, mac]));
      prevDigest = digest;
    }
    const report = await verify(w);
    expect(report.checkpoints).toMatchObject({ verified: 0, failure: { seq: 1, problem: 'its MAC does not verify: it was written or changed without the key' } });
    await expect(w.services.audit().checkpoint()).rejects.toThrow('audit checkpoint #2 does not verify: its MAC does not verify');
  });

  it('catches a checkpoint removed from the middle of the sequence', async () => {
    const w = await world();
    await asSuperuser(w.ctx.pool, (c) => c.query('DELETE FROM audit_checkpoint WHERE seq = 1'));
    const res = await admin(w, 'audit', 'verify');
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('broken: checkpoint #2: checkpoint #1 is missing\n');
  });

  it('leaves the newest checkpoint removed to the log copy, and warns of the entries it no longer covers', async () => {
    const w = await world();
    await asSuperuser(w.ctx.pool, (c) => c.query('DELETE FROM audit_checkpoint WHERE seq = 2'));
    const res = await admin(w, 'audit', 'verify');
    // Nothing in the database says #2 existed; its entries are stale and uncovered, and the log still holds #2.
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('latest checkpoint #1 ');
    expect(res.stderr).toMatch(/^warning: 3 entries older than 3 min are not covered by a checkpoint: is the audit-checkpoint task running\? Were the newest checkpoints removed\?/);
    expect(w.logged.filter((l) => l.msg === 'audit checkpoint').at(-1)!.checkpoint!.seq).toBe(2);
  });

  it('names the first broken entry of a chain newer than the last checkpoint', async () => {
    const w = await world();
    const [fresh] = await entriesOf(w, 'case', 'c-4');
    await asSuperuser(w.ctx.pool, (c) => c.query(`UPDATE audit_entry SET actor = 'officer:9' WHERE id = $1`, [fresh!.id]));
    const res = await admin(w, 'audit', 'verify');
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`broken: entry ${fresh!.id} (case c-4, case.open): its hash does not match its content: the entry was edited\n`);
    expect(res.stdout).toContain('14 entries in 5 chains checked, 1 chain broken; 2 checkpoints verified up to entry');
    expect(res.stderr).toBe('error: the audit log does not verify: 1 broken chain\n');
  });
});

describe('audit checkpoints', () => {
  it('cover at most maxEntries each, so a large backlog takes several short runs that verify', async () => {
    const ctx = await createTestContext();
    const services = testServices(ctx, { env: ENV });
    closers.push(async () => {
      await services.close();
      await ctx.close();
    });
    for (let i = 0; i < 7; i++) await append(ctx.db, 'case', `c-${i % 3}`, `step-${i}`);
    const opts = { key: KEY, marginMs: 60_000, maxEntries: 3 };
    const written = [];
    for (let cp = await writeCheckpoint(ctx.db, opts, services.logger); cp; cp = await writeCheckpoint(ctx.db, opts, services.logger)) written.push(cp.entries);
    expect(written).toEqual([3, 3, 1]);
    const report = await verifyAudit(ctx.db, { key: KEY, staleMs: 3_600_000 });
    expect(report).toMatchObject({ entries: 7, brokenChains: 0, checkpoints: { total: 3, verified: 3 } });
  });

  it('digest the same however the entries are paged in', async () => {
    const w = await world();
    const [first, second] = await checkpoints(w);
    expect(await digestRange(w.ctx.db, null, 0n, first!.lastId, 2)).toEqual({ entries: 9, digest: first!.digest });
    expect(await digestRange(w.ctx.db, first!.digest, first!.lastId, second!.lastId, 1)).toEqual({ entries: 3, digest: second!.digest });
  });

  it('each verify its number, its range and its MAC', () => {
    const sign = (c: Omit<TCheckpoint, 'mac'>): TCheckpoint => ({ ...c, mac: checkpointMac(KEY, c) });
    const one = sign({ seq: 1, createdAt: new Date(), afterId: 0n, lastId: 10n, entries: 10, digest: 'a'.repeat(64) });
    const two = sign({ seq: 2, createdAt: new Date(), afterId: 10n, lastId: 12n, entries: 2, digest: 'b'.repeat(64) });
    expect(checkpointProblem(KEY, null, one)).toBeNull();
    expect(checkpointProblem(KEY, one, two)).toBeNull();
    expect(checkpointProblem(KEY, null, two)).toBe('checkpoint #1 is missing');
    expect(checkpointProblem(KEY, one, sign({ ...two, seq: 4 }))).toBe('checkpoints #2–#3 are missing');
    expect(checkpointProblem(KEY, one, sign({ ...two, afterId: 11n }))).toBe('it covers entries after 11, but the checkpoint before it ends at entry 10');
    expect(checkpointProblem(KEY, one, { ...two, entries: 3 })).toBe('its MAC does not verify: it was written or changed without the key');
    expect(checkpointProblem(randomBytes(32), one, two)).toBe('its MAC does not verify: it was written or changed without the key');
  });

  it('wait out the longest a transaction can take to commit, and at least a minute', () => {
    expect(checkpointMarginMs({ connectMs: 5_000, queryMs: 10_000 })).toBe(60_000);
    expect(checkpointMarginMs({ connectMs: 10_000, queryMs: 30_000 })).toBe(140_000);
  });

  it('need AUDIT_CHECKPOINT_KEY for verification: another key fails every checkpoint', async () => {
    const w = await world();
    const report = await verifyAudit(w.ctx.db, { key: randomBytes(32), staleMs: 3_600_000 });
    expect(report.checkpoints.failure).toMatchObject({ seq: 1, problem: expect.stringContaining('MAC does not verify') });
  });
});
