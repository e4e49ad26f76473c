import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vietnamDate } from '../src/clock/index.ts';
import type { Violation } from '../src/generated/prisma/enums.ts';
import { assessFine, readRuleFile, RULE_TABLES_DIR, selectRule, type TAct, type TFineRule } from '../src/fines/index.ts';

const rules = readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json'));
const AT = new Date('2026-03-10T02:00:00Z');
const act = (over: Partial<TAct>): TAct => ({
  violation: 'RED_LIGHT',
  vehicleClass: 'CAR',
  capturedAt: AT,
  onExpressway: false,
  inUrbanArea: false,
  inResidentialArea: false,
  onBridge: false,
  inTunnel: false,
  speedOverKmh: null,
  passengers: null,
  ...over,
});

type TExpected = [provision: string, min: number, max: number, points: number] | null;
type TCase = { v: Violation; expressway?: boolean; over?: number; passengers?: number; car: TExpected; moto: TExpected };

const M = 1_000_000;
const K = 1_000;
/**
 * The fine tables of the domain reference (§5.1 cars, trucks and buses under Art 6;
 * §5.2 motorcycles and mopeds under Art 7), Decree 168/2024/NĐ-CP. `null`: the act has
 * no camera-detectable provision for that vehicle family, so the case must get NO_RULE.
 */
const TABLE: TCase[] = [
  { v: 'RED_LIGHT', car: ['6.9.b', 18 * M, 20 * M, 4], moto: ['7.7.c', 4 * M, 6 * M, 4] },
  { v: 'WRONG_WAY', car: ['6.9.d', 18 * M, 20 * M, 4], moto: ['7.7.a', 4 * M, 6 * M, 2] },
  { v: 'WRONG_WAY', expressway: true, car: ['6.11.đ', 30 * M, 40 * M, 10], moto: ['7.7.a', 4 * M, 6 * M, 2] },
  { v: 'SPEEDING', over: 4, car: null, moto: null },
  { v: 'SPEEDING', over: 5, car: ['6.3.a', 800 * K, 1 * M, 0], moto: ['7.2.b', 400 * K, 600 * K, 0] },
  { v: 'SPEEDING', over: 9, car: ['6.3.a', 800 * K, 1 * M, 0], moto: ['7.2.b', 400 * K, 600 * K, 0] },
  { v: 'SPEEDING', over: 10, car: ['6.5.đ', 4 * M, 6 * M, 2], moto: ['7.4.a', 800 * K, 1 * M, 0] },
  { v: 'SPEEDING', over: 20, car: ['6.5.đ', 4 * M, 6 * M, 2], moto: ['7.4.a', 800 * K, 1 * M, 0] },
  { v: 'SPEEDING', over: 21, car: ['6.6.a', 6 * M, 8 * M, 4], moto: ['7.8.a', 6 * M, 8 * M, 4] },
  { v: 'SPEEDING', over: 35, car: ['6.6.a', 6 * M, 8 * M, 4], moto: ['7.8.a', 6 * M, 8 * M, 4] },
  { v: 'SPEEDING', over: 36, car: ['6.7.a', 12 * M, 14 * M, 6], moto: ['7.8.a', 6 * M, 8 * M, 4] },
  { v: 'WRONG_LANE', car: ['6.5.b', 4 * M, 6 * M, 2], moto: ['7.3.d', 600 * K, 800 * K, 0] },
  { v: 'ILLEGAL_LANE_CHANGE', car: ['6.2.a', 600 * K, 800 * K, 0], moto: ['7.1.e', 200 * K, 400 * K, 0] },
  { v: 'ILLEGAL_LANE_CHANGE', expressway: true, car: ['6.5.g', 4 * M, 6 * M, 2], moto: ['7.1.e', 200 * K, 400 * K, 0] },
  { v: 'SIGN_VIOLATION', car: ['6.1.a', 400 * K, 600 * K, 0], moto: ['7.1.a', 200 * K, 400 * K, 0] },
  { v: 'RESTRICTED_ROAD', car: ['6.5.i', 4 * M, 6 * M, 2], moto: ['7.6.b', 2 * M, 3 * M, 2] },
  { v: 'RESTRICTED_ROAD', expressway: true, car: ['6.5.i', 4 * M, 6 * M, 2], moto: ['7.7.b', 4 * M, 6 * M, 6] },
  { v: 'FORBIDDEN_TURN', car: ['6.4.k', 2 * M, 3 * M, 0], moto: ['7.3.a', 600 * K, 800 * K, 0] },
  { v: 'EMERGENCY_LANE', car: null, moto: null },
  { v: 'EMERGENCY_LANE', expressway: true, car: ['6.5.d', 4 * M, 6 * M, 2], moto: null },
  { v: 'SIDEWALK', car: ['6.6.d', 6 * M, 8 * M, 4], moto: ['7.7.a', 4 * M, 6 * M, 2] },
  { v: 'NO_HELMET', car: null, moto: ['7.2.h', 400 * K, 600 * K, 0] },
  { v: 'PASSENGER_NO_HELMET', car: null, moto: ['7.2.i', 400 * K, 600 * K, 0] },
  { v: 'PHONE_USE', car: ['6.5.h', 4 * M, 6 * M, 4], moto: ['7.4.đ', 800 * K, 1 * M, 4] },
  { v: 'NO_SEATBELT', car: ['6.3.k', 800 * K, 1 * M, 0], moto: null },
  { v: 'PASSENGER_NO_SEATBELT', car: ['6.3.l', 800 * K, 1 * M, 0], moto: null },
  { v: 'EXCESS_PASSENGERS', passengers: 1, car: null, moto: null },
  { v: 'EXCESS_PASSENGERS', passengers: 2, car: null, moto: ['7.2.g', 400 * K, 600 * K, 0] },
  { v: 'EXCESS_PASSENGERS', passengers: 3, car: null, moto: ['7.3.b', 600 * K, 800 * K, 2] },
  { v: 'ILLEGAL_STOPPING', car: ['6.2.đ', 600 * K, 800 * K, 0], moto: ['7.2.e', 400 * K, 600 * K, 0] },
  { v: 'ILLEGAL_STOPPING', expressway: true, car: ['6.7.c', 12 * M, 14 * M, 6], moto: ['7.2.e', 400 * K, 600 * K, 0] },
  { v: 'ILLEGAL_PARKING', car: ['6.3.e', 800 * K, 1 * M, 0], moto: ['7.2.e', 400 * K, 600 * K, 0] },
  { v: 'ILLEGAL_PARKING', expressway: true, car: ['6.7.c', 12 * M, 14 * M, 6], moto: ['7.2.e', 400 * K, 600 * K, 0] },
  { v: 'STOPPING_AT_INTERSECTION', car: ['6.3.đ', 800 * K, 1 * M, 0], moto: ['7.2.e', 400 * K, 600 * K, 0] },
  { v: 'STOPPING_DANGEROUS_PLACE', car: ['6.4.b', 2 * M, 3 * M, 2], moto: null },
  { v: 'STOPPING_CAUSING_CONGESTION', car: ['6.5.k', 4 * M, 6 * M, 2], moto: null },
  { v: 'NOT_YIELDING_PRIORITY', car: ['6.6.b', 6 * M, 8 * M, 4], moto: ['7.7.đ', 4 * M, 6 * M, 4] },
  { v: 'NO_ETC_TOLL_LANE', car: ['6.4.a', 2 * M, 3 * M, 2], moto: null },
];

const provision = (r: TFineRule) => `${r.article}.${r.clause}.${r.point}`;

describe('Decree 168/2024 fine table', () => {
  it('covers every violation code of this table (the acts added later: test/fines-acts.test.ts)', () => {
    expect(new Set(TABLE.map((t) => t.v))).toEqual(new Set(rules.map((r) => r.violation)));
  });

  const rows = TABLE.flatMap((t) => [
    ...(['CAR', 'TRUCK', 'BUS'] as const).map((cls) => ({ ...t, cls, want: t.car })),
    ...(['MOTORCYCLE', 'MOPED'] as const).map((cls) => ({ ...t, cls, want: t.moto })),
  ]);
  it.each(rows)('$v by $cls (expressway $expressway, over $over, passengers $passengers) → $want', ({ v, cls, expressway, over, passengers, want }) => {
    const rule = selectRule(rules, act({ violation: v, vehicleClass: cls, onExpressway: expressway ?? false, speedOverKmh: over ?? null, passengers: passengers ?? null }));
    if (want === null) {
      expect(rule).toBeNull();
      return;
    }
    expect(rule).not.toBeNull();
    expect([provision(rule!), rule!.fineMin, rule!.fineMax, rule!.points]).toEqual(want);
    expect(rule!.decree).toBe('168/2024/NĐ-CP');
  });

  it('proposes the middle of the range, and the organisation amount with the multiplier', () => {
    const red = selectRule(rules, act({}))!;
    expect(assessFine(red, 'PERSON', 2)).toEqual({
      fineMin: 18 * M,
      fineMax: 20 * M,
      fineAmount: 19 * M,
      fineMultiplier: 1,
      points: 4,
      legalBasis: 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
    });
    expect(assessFine(red, 'ORGANISATION', 2)).toMatchObject({ fineAmount: 38 * M, fineMin: 36 * M, fineMax: 40 * M, fineMultiplier: 2 });
    expect(assessFine(red, null, 2).fineMultiplier).toBe(1);
    const lane = selectRule(rules, act({ violation: 'ILLEGAL_LANE_CHANGE', vehicleClass: 'MOTORCYCLE' }))!;
    expect(assessFine(lane, 'PERSON', 2).fineAmount).toBe(300 * K);
  });
});

describe('choosing the rule by capture date', () => {
  it('reads the capture date in Vietnam time', () => {
    expect(vietnamDate(new Date('2024-12-31T16:59:59Z'))).toBe('2024-12-31');
    expect(vietnamDate(new Date('2024-12-31T17:00:00Z'))).toBe('2025-01-01');
  });

  it('has no rule for acts before Decree 168 took effect (1 Jan 2025, Vietnam time)', () => {
    expect(selectRule(rules, act({ capturedAt: new Date('2024-12-31T16:59:59Z') }))).toBeNull();
    expect(selectRule(rules, act({ capturedAt: new Date('2024-12-31T17:00:00Z') }))).not.toBeNull();
  });

  it('uses an amendment from its own effective date on, and the old row before it, by capture date', () => {
    const old = selectRule(rules, act({}))!;
    const amended: TFineRule = { ...old, code: 'ND238-6.9.b:RED_LIGHT', fineMin: 20 * M, fineMax: 22 * M, effectiveFrom: '2026-08-15', decree: '238/2026/NĐ-CP' };
    const both = [...rules, amended];
    expect(selectRule(both, act({ capturedAt: new Date('2026-08-14T16:59:00Z') }))!.code).toBe(old.code);
    expect(selectRule(both, act({ capturedAt: new Date('2026-08-14T17:00:00Z') }))!.code).toBe(amended.code);
    const v2: TFineRule = { ...old, version: 2, fineMin: 1 };
    expect(selectRule([...rules, v2], act({}))!.version).toBe(2);
  });
});
