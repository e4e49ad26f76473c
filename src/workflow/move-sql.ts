import { appendAuditSql, draftAudit, type TAuditDraft } from '../audit/index.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { unnestSql, type TTx } from '../db/index.ts';
import { outboxSql } from '../queues/index.ts';
import type { Machine, TTransition } from './machine.ts';

type TJson = Prisma.InputJsonValue | null;

/** Why a transition happened, as its audit entry says it. */
export type TWhy = { reason?: string | null; data?: TJson };

/**
 * A column a move writes: its type, its value per row (reachable in SQL as `i.<name>`),
 * and optionally the SQL expression assigned (default `i.<name>`), which may read the
 * row's current values as `t.<column>`.
 */
export type TSetColumn<R> = readonly [pgType: string, value: (row: R) => unknown, expr?: string];

export type TMoveSpec<S extends string, R> = {
  /** The states the entities pass through: [from, …, to]. Each step is a declared transition. */
  path: readonly S[];
  rows: readonly R[];
  id: (row: R) => string;
  why: (row: R, step: TTransition<S>) => TWhy;
  set?: Record<string, TSetColumn<R>>;
  /** Defaults to `system:<stage>` of the step. */
  actor?: string;
  at?: Date;
  /**
   * false: no outbox row even when a stage takes the entities on from the final state.
   * For a stage that keeps the entity itself (a send under way) or hands it back to wait
   * with backoff (a new job at once would skip the wait); the reconciler still covers it.
   */
  enqueue?: boolean;
};

const actorOf = <S extends string>(t: TTransition<S>, actor?: string): string => {
  if (actor) return actor;
  if ('stage' in t.by) return `system:${t.by.stage}`;
  throw new Error(`${t.action}: name the actor (performed by ${t.by.party})`);
};

const NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The one set-based move of a state machine, as one statement: a compare-and-set
 * (only rows still in `path[0]` move, so a job that runs twice changes nothing), an audit
 * entry per step appended to each moved entity's chain, and, when a stage takes the
 * entities on from the final state, their outbox rows. Returns the ids that moved.
 */
export const moveSql = <S extends string, R>(m: Machine<S>, given: TMoveSpec<S, R>): Prisma.Sql => {
  // One row per entity: two drafts for one entity would both continue the same chain head.
  const spec = { ...given, rows: [...new Map(given.rows.map((r) => [given.id(r), r])).values()] };
  const steps = m.path(spec.path);
  const from = spec.path[0]!;
  const to = spec.path.at(-1)!;
  const set = spec.set ?? {};
  for (const name of Object.keys(set)) if (!NAME.test(name) || name === 'id' || name === 'status') throw new Error(`cannot set ${name}`);
  const at = spec.at ?? new Date();
  const drafts = steps.map((step) =>
    spec.rows.map((r): TAuditDraft => {
      const why = spec.why(r, step);
      return draftAudit(
        { actor: actorOf(step, spec.actor), entityType: m.entity, entityId: spec.id(r), action: step.action, fromState: step.from, toState: step.to, reason: why.reason ?? null, data: why.data ?? null },
        at,
      );
    }),
  );
  const input = unnestSql(spec.rows, { id: ['uuid', spec.id], ...Object.fromEntries(Object.entries(set).map(([k, [type, value]]) => [k, [type, value] as const])) }, 'i');
  const assignments = Object.entries(set).map(([name, [, , expr]]) => Prisma.raw(`${name} = ${expr ?? `i.${name}`}`));
  const status = (s: S) => Prisma.sql`${s}::${Prisma.raw(m.statusType)}`;
  const audits = drafts.map(
    (d, i) => Prisma.sql`, wf_audit_${Prisma.raw(String(i))} AS (${appendAuditSql(d, { join: 'wf_moved', ...(i > 0 ? { after: `wf_audit_${i - 1}` } : {}) })})`,
  );
  const next = spec.enqueue === false ? null : m.nextQueue(to);
  const outbox = next ? Prisma.sql`, wf_outbox AS (${outboxSql(next, 'wf_moved')})` : Prisma.empty;
  return Prisma.sql`
    WITH wf_input AS (SELECT * FROM ${input}),
    wf_moved AS (
      UPDATE ${Prisma.raw(m.table)} t SET status = ${status(to)}, updated_at = now()
        ${assignments.length ? Prisma.sql`, ${Prisma.join(assignments)}` : Prisma.empty}
      FROM wf_input i WHERE t.id = i.id AND t.status = ${status(from)}
      RETURNING t.id
    )${Prisma.join(audits, '')}${outbox}
    SELECT id::text AS id FROM wf_moved`;
};

/**
 * Runs moveSql; returns the ids that moved. A move by a party (an operator, an officer,
 * the system's clock) can meet writers that append to the same entities' audit chains
 * without changing their state (review claims, renewals, expiries): the rows are locked
 * by a statement of their own first, so the move's statement, and the chain head it
 * reads, start after any such writer committed; otherwise both could append after one
 * head and fork the chain. Stages move entities in states no one else writes, in one
 * statement.
 */
export const moveEntities = async <S extends string, R>(tx: TTx, m: Machine<S>, spec: TMoveSpec<S, R>): Promise<Set<string>> => {
  if (spec.rows.length === 0) return new Set();
  const lockFirst = !('stage' in m.path(spec.path)[0]!.by);
  const run = async (t: TTx) => {
    if (lockFirst) {
      const ids = [...new Set(spec.rows.map(spec.id))].sort();
      await t.$queryRaw`SELECT 1 FROM ${Prisma.raw(m.table)} WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
    }
    return t.$queryRaw<{ id: string }[]>(moveSql(m, spec));
  };
  // On the bare client the lock and the move need a transaction of their own.
  const rows = lockFirst && '$transaction' in tx ? await tx.$transaction((t) => run(t)) : await run(tx);
  return new Set(rows.map((r) => r.id));
};

export type TEnterSpec<S extends string, R> = {
  /** A CTE of the caller's statement holding the created rows' `id` and `status`. */
  cte: string;
  rows: readonly R[];
  id: (row: R) => string;
  state: (row: R) => S;
  why: (row: R) => TWhy;
  /** Who created each entity (defaults to the creating stage). */
  actor?: (row: R) => string;
  at?: Date;
};

/**
 * CTEs to place after the INSERT that creates entities (`, wf_entered … AS (…)`): each
 * created entity's first audit entry (only those really created, i.e. present in `cte`),
 * and outbox rows for those created in a state a stage takes them on from.
 */
export const enterSql = <S extends string, R>(m: Machine<S>, spec: TEnterSpec<S, R>): Prisma.Sql => {
  const at = spec.at ?? new Date();
  const drafts = spec.rows.map((r) => {
    const t = m.transition(null, spec.state(r));
    const why = spec.why(r);
    return draftAudit(
      { actor: actorOf(t, spec.actor?.(r)), entityType: m.entity, entityId: spec.id(r), action: t.action, toState: t.to, reason: why.reason ?? null, data: why.data ?? null },
      at,
    );
  });
  const states = [...new Set(spec.rows.map(spec.state))];
  const outboxes = states.flatMap((s, i) => {
    const next = m.nextQueue(s);
    if (!next) return [];
    const where = Prisma.sql`WHERE o.status = ${s}::${Prisma.raw(m.statusType)}`;
    return [Prisma.sql`, wf_entered_outbox_${Prisma.raw(String(i))} AS (${outboxSql(next, spec.cte, where)})`];
  });
  return Prisma.sql`, wf_entered_audit AS (${appendAuditSql(drafts, { join: spec.cte, startsChain: true })})${outboxes.length ? Prisma.join(outboxes, '') : Prisma.empty}`;
};
