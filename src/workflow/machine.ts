import type { TStageQueue } from '../queues/index.ts';
import { AppError } from '../shared/app-error.ts';

/**
 * Who performs a transition: an automated stage (its queue), or a party outside the
 * pipeline: the camera that creates an event, an operator at the admin CLI, a police
 * officer reviewing a case (src/review), the system reacting to something other than a
 * stage hand-over (a delivery confirmed, a statutory period ran out; the actor names which),
 * or a provider reporting back (a delivery receipt, a bounce).
 */
export type TPerformer = { stage: TStageQueue } | { party: 'camera' | 'operator' | 'officer' | 'system' | 'provider' };

export type TTransition<S extends string> = {
  /** `null`: the entity is created in state `to`. */
  from: S | null;
  to: S;
  by: TPerformer;
  /** The audit action written for it, e.g. `case.owner`. */
  action: string;
};

export type TMachineDefinition<S extends string> = {
  /** Audit entity type, e.g. `case`. */
  entity: string;
  /** The table whose `status` column holds the state; its `id` is a uuid. */
  table: string;
  /** The PostgreSQL enum type of `status`. */
  statusType: string;
  transitions: readonly TTransition<S>[];
};

export type TWaiting<S extends string> = { state: S; queue: TStageQueue };

/**
 * A state machine over one table: the transition table is the only place that says which
 * moves exist, who performs them and (derived from it) which queue takes an entity on
 * from a state. Every move goes through `moveSql` (move-sql.ts): compare-and-set,
 * audit entry and outbox row in one statement.
 */
export class Machine<S extends string> {
  readonly entity: string;
  readonly table: string;
  readonly statusType: string;
  readonly transitions: readonly TTransition<S>[];
  private readonly onward = new Map<S, TStageQueue>();

  constructor(def: TMachineDefinition<S>) {
    this.entity = def.entity;
    this.table = def.table;
    this.statusType = def.statusType;
    this.transitions = def.transitions;
    const seen = new Set<string>();
    for (const t of def.transitions) {
      const key = `${t.from ?? '∅'}→${t.to}`;
      if (seen.has(key)) throw new Error(`${def.entity}: transition ${key} is declared twice`);
      seen.add(key);
      if (t.from === null || !('stage' in t.by)) continue;
      const other = this.onward.get(t.from);
      if (other && other !== t.by.stage) throw new Error(`${def.entity}: ${t.from} is left by two stages (${other}, ${t.by.stage})`);
      this.onward.set(t.from, t.by.stage);
    }
  }

  /** The declared transition, or an error naming the move that does not exist. */
  transition(from: S | null, to: S): TTransition<S> {
    const t = this.transitions.find((x) => x.from === from && x.to === to);
    if (!t) throw new AppError('CONFLICT', `${this.entity}: no transition ${from ?? '∅'} → ${to}`);
    return t;
  }

  /** The consecutive transitions of a path of states, e.g. [A, B, C] → A→B, B→C. */
  path(states: readonly S[]): TTransition<S>[] {
    if (states.length < 2) throw new Error(`${this.entity}: a path has at least two states`);
    return states.slice(1).map((to, i) => this.transition(states[i]!, to));
  }

  /** The stage queue that moves an entity on from `state`; null when a person or nobody does. */
  nextQueue(state: S): TStageQueue | null {
    return this.onward.get(state) ?? null;
  }

  /** States in which an entity waits for an automated stage: what the reconciler watches. */
  waiting(): TWaiting<S>[] {
    return [...this.onward].map(([state, queue]) => ({ state, queue }));
  }
}
