import { describe, expect, it } from 'vitest';
import { CASE_MACHINE, planMerges, type TCapture, type TOpenCase } from '../src/cases/index.ts';
import { DELIVERY_MACHINE } from '../src/dispatch/index.ts';
import { EVENT_MACHINE } from '../src/events/index.ts';
import { ESCALATION_MACHINE } from '../src/followup/index.ts';
import { Machine } from '../src/workflow/index.ts';

describe('state machines', () => {
  it('derive which queue takes an entity on from each state', () => {
    expect(CASE_MACHINE.waiting()).toEqual([
      { state: 'DETECTED', queue: 'owner' },
      { state: 'OWNER_RESOLVED', queue: 'fine' },
      { state: 'FINE_ASSESSED', queue: 'fine' },
      { state: 'APPROVED', queue: 'notice' },
    ]);
    expect(CASE_MACHINE.nextQueue('PENDING_REVIEW')).toBeNull();
    // A send under way (SENDING) is the dispatch stage's too: the reconciler re-drives one left there, which the stage makes UNKNOWN.
    expect(DELIVERY_MACHINE.waiting()).toEqual([
      { state: 'PENDING', queue: 'dispatch' },
      { state: 'SENDING', queue: 'dispatch' },
    ]);
    // The statutory clock moves cases itself (src/followup); its escalations wait for the escalation stage.
    expect(CASE_MACHINE.nextQueue('OVERDUE')).toBeNull();
    expect(ESCALATION_MACHINE.waiting()).toEqual([
      { state: 'PENDING', queue: 'escalation' },
      { state: 'LIFT_PENDING', queue: 'escalation' },
    ]);
    expect(EVENT_MACHINE.waiting()).toEqual([{ state: 'RECEIVED', queue: 'dedup' }]);
    expect(EVENT_MACHINE.nextQueue('MERGED')).toBeNull();
  });

  it('refuse a move the table does not declare', () => {
    expect(() => CASE_MACHINE.transition('DETECTED', 'PENDING_REVIEW')).toThrow(/no transition DETECTED → PENDING_REVIEW/);
    expect(() => CASE_MACHINE.path(['PENDING_REVIEW', 'FINE_ASSESSED'])).toThrow();
    expect(CASE_MACHINE.path(['OWNER_RESOLVED', 'FINE_ASSESSED', 'PENDING_REVIEW']).map((t) => t.action)).toEqual(['case.assess', 'case.queue-for-review']);
  });

  it('refuse a table where two stages leave one state, or a move declared twice', () => {
    const base = { entity: 'x', table: 'x', statusType: '"X"' };
    expect(() => new Machine<'A' | 'B' | 'C'>({ ...base, transitions: [
      { from: 'A', to: 'B', by: { stage: 'owner' }, action: 'a' },
      { from: 'A', to: 'C', by: { stage: 'fine' }, action: 'b' },
    ] })).toThrow(/left by two stages/);
    expect(() => new Machine<'A' | 'B'>({ ...base, transitions: [
      { from: 'A', to: 'B', by: { stage: 'owner' }, action: 'a' },
      { from: 'A', to: 'B', by: { stage: 'owner' }, action: 'a' },
    ] })).toThrow(/declared twice/);
  });
});

describe('planMerges', () => {
  const t0 = Date.parse('2026-11-20T01:00:00Z');
  const at = (s: number) => new Date(t0 + s * 1000);
  const cap = (id: string, act: string, s: number, confident = true): TCapture => ({ id, act, capturedAt: at(s), confident });
  let n = 0;
  const newId = () => `new-${++n}`;
  const W = 300_000;

  it('opens one case per act and merges captures within the window, whatever their order', () => {
    n = 0;
    const plan = planMerges([cap('e3', 'A', 200), cap('e1', 'A', 0), cap('e2', 'A', 100), cap('x', 'B', 0)], [], W, newId);
    expect(plan.changes).toEqual([
      { caseId: 'new-1', first: at(0), last: at(200), added: 3, confident: true, opener: cap('e1', 'A', 0) },
      { caseId: 'new-2', first: at(0), last: at(0), added: 1, confident: true, opener: cap('x', 'B', 0) },
    ]);
    expect(plan.placement.get('e1')).toEqual({ caseId: 'new-1', opened: true });
    expect(plan.placement.get('e3')).toEqual({ caseId: 'new-1', opened: false });
  });

  it('opens a second case for a capture beyond the window, and chains captures that each stay within it', () => {
    n = 0;
    const plan = planMerges([cap('a', 'A', 0), cap('b', 'A', 290), cap('c', 'A', 580), cap('d', 'A', 2000)], [], W, newId);
    expect(plan.changes.map((c) => [c.caseId, c.added, c.first, c.last])).toEqual([
      ['new-1', 3, at(0), at(580)],
      ['new-2', 1, at(2000), at(2000)],
    ]);
  });

  it('merges into an open case, stretching its span, and records whether a confident read came in', () => {
    const open: TOpenCase[] = [{ id: 'c1', act: 'A', first: at(0), last: at(10) }];
    const plan = planMerges([cap('late', 'A', 250, false), cap('early', 'A', -100, true)], open, W, newId);
    expect(plan.changes).toEqual([{ caseId: 'c1', first: at(-100), last: at(250), added: 2, confident: true }]);
    expect([...plan.placement.values()].every((p) => p.caseId === 'c1' && !p.opened)).toBe(true);
  });

  it('picks the earliest of two open cases a capture could join, and ignores other acts', () => {
    const open: TOpenCase[] = [
      { id: 'later', act: 'A', first: at(400), last: at(400) },
      { id: 'earlier', act: 'A', first: at(0), last: at(0) },
      { id: 'other', act: 'B', first: at(200), last: at(200) },
    ];
    const plan = planMerges([cap('e', 'A', 200)], open, W, newId);
    expect(plan.placement.get('e')).toEqual({ caseId: 'earlier', opened: false });
    expect(plan.changes.map((c) => c.caseId)).toEqual(['earlier']);
  });

  it('decides by arrival across batches: captures that bridge two open cases join the earlier, the cases stay two', () => {
    n = 0;
    const first = planMerges([cap('a', 'A', 0)], [], W, newId);
    const second = planMerges([cap('c', 'A', 600)], [{ id: 'new-1', act: 'A', first: at(0), last: at(0) }], W, newId);
    expect(second.changes.map((c) => c.caseId)).toEqual(['new-2']);
    const open: TOpenCase[] = [
      { id: 'new-1', act: 'A', first: at(0), last: at(0) },
      { id: 'new-2', act: 'A', first: at(600), last: at(600) },
    ];
    const bridge = planMerges([cap('b', 'A', 300)], open, W, newId);
    expect(bridge.placement.get('b')).toEqual({ caseId: 'new-1', opened: false });
    // The same three captures in one batch make one case.
    expect(planMerges([cap('a', 'A', 0), cap('c', 'A', 600), cap('b', 'A', 300)], [], W, newId).changes).toHaveLength(1);
    expect(first.changes).toHaveLength(1);
  });
});
