import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../src/audit/index.ts';
import { createTestContext, type TTestContext } from './support/context.ts';
import { asSuperuser } from './support/tamper.ts';

let ctx: TTestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

describe('audit log', () => {
  it('chains the entries of an entity and detects a rewritten one', async () => {
    const entity = { entityType: 'case', entityId: 'c-1' };
    await appendAudit(ctx.db, { ...entity, actor: 'system', action: 'case.open', toState: 'DETECTED', data: { b: 1, a: [1, 2] } });
    await appendAudit(ctx.db, { ...entity, actor: 'officer:7', action: 'case.approve', fromState: 'PENDING_REVIEW', toState: 'APPROVED' });
    await appendAudit(ctx.db, { ...entity, actor: 'system', action: 'notice.issue', fromState: 'APPROVED', toState: 'NOTICE_ISSUED' });
    expect(await verifyAuditChain(ctx.db, 'case', 'c-1')).toBeNull();

    const rows = await ctx.db.auditEntry.findMany({ where: entity, orderBy: { id: 'asc' } });
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    const edit = (q: pg.Pool | pg.PoolClient) => q.query(`UPDATE audit_entry SET actor = 'officer:8' WHERE id = $1`, [rows[1]!.id]);
    await expect(edit(ctx.pool)).rejects.toThrow('audit_entry is append-only: UPDATE refused');
    expect(await verifyAuditChain(ctx.db, 'case', 'c-1')).toBeNull();
    await asSuperuser(ctx.pool, edit);
    expect(await verifyAuditChain(ctx.db, 'case', 'c-1')).toBe(rows[1]!.id);
  });
});
