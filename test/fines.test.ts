import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vietnamDate } from '../src/clock/index.ts';
import { Violation } from '../src/generated/prisma/enums.ts';
import { assessFine, legalBasisOf, NO_ORG_MULTIPLIER, readRuleTable, RULE_TABLES_DIR, ruleTableFiles, selectRule, type TAct, type TFineRule } from '../src/fines/index.ts';

const table = readRuleTable(join(RULE_TABLES_DIR, 'decree-168-2024.json'));
const rules = table.rules;
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
type TCase = { v: Violation; expressway?: boolean; tunnel?: boolean; over?: number; passengers?: number; car: TExpected; moto: TExpected };

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
  { v: 'WRONG_WAY', expressway: true, car: ['6.11.đ', 30 * M, 40 * M, 10], moto: ['7.7.b', 4 * M, 6 * M, 6] },
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
  // No left/right-turn ban on an expressway: a car's FORBIDDEN_TURN there is likely a
  // U-turn sent by an old camera, so an officer decides (6.4.k would be wrong).
  { v: 'FORBIDDEN_TURN', expressway: true, car: null, moto: ['7.3.a', 600 * K, 800 * K, 0] },
  { v: 'FORBIDDEN_U_TURN', car: ['6.4.k', 2 * M, 3 * M, 0], moto: ['7.2.k', 400 * K, 600 * K, 0] },
  { v: 'FORBIDDEN_U_TURN', tunnel: true, car: ['6.4.đ', 2 * M, 3 * M, 2], moto: ['7.4.d', 800 * K, 1 * M, 0] },
  { v: 'FORBIDDEN_U_TURN', expressway: true, car: ['6.11.đ', 30 * M, 40 * M, 10], moto: ['7.2.k', 400 * K, 600 * K, 0] },
  { v: 'FORBIDDEN_U_TURN', expressway: true, tunnel: true, car: ['6.11.đ', 30 * M, 40 * M, 10], moto: ['7.4.d', 800 * K, 1 * M, 0] },
  { v: 'U_TURN_BANNED_PLACE', car: ['6.4.i', 2 * M, 3 * M, 0], moto: ['7.2.k', 400 * K, 600 * K, 0] },
  { v: 'U_TURN_BANNED_PLACE', tunnel: true, car: ['6.4.đ', 2 * M, 3 * M, 2], moto: ['7.4.d', 800 * K, 1 * M, 0] },
  { v: 'U_TURN_BANNED_PLACE', expressway: true, car: ['6.11.đ', 30 * M, 40 * M, 10], moto: ['7.2.k', 400 * K, 600 * K, 0] },
  { v: 'REVERSING', car: ['6.4.e', 2 * M, 3 * M, 0], moto: null },
  { v: 'REVERSING', tunnel: true, car: ['6.4.đ', 2 * M, 3 * M, 2], moto: null },
  { v: 'REVERSING', expressway: true, car: ['6.11.đ', 30 * M, 40 * M, 10], moto: null },
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
  { v: 'PARKING_ON_ROADWAY_OR_SIDEWALK', car: null, moto: ['7.2.d', 400 * K, 600 * K, 0] },
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
  it.each(rows)('$v by $cls (expressway $expressway, tunnel $tunnel, over $over, passengers $passengers) → $want', ({ v, cls, expressway, tunnel, over, passengers, want }) => {
    const rule = selectRule(
      rules,
      act({ violation: v, vehicleClass: cls, onExpressway: expressway ?? false, inTunnel: tunnel ?? false, speedOverKmh: over ?? null, passengers: passengers ?? null }),
    );
    if (want === null) {
      expect(rule).toBeNull();
      return;
    }
    expect(rule).not.toBeNull();
    expect([provision(rule!), rule!.fineMin, rule!.fineMax, rule!.points]).toEqual(want);
    expect(rule!.decree).toBe('168/2024/NĐ-CP');
  });

  it('proposes the middle of the range (LHAV Art 23.4)', () => {
    const red = selectRule(rules, act({}))!;
    expect(assessFine(red, 'PERSON', NO_ORG_MULTIPLIER)).toEqual({
      fineMin: 18 * M,
      fineMax: 20 * M,
      fineAmount: 19 * M,
      fineMultiplier: 1,
      points: 4,
      rulePoints: 4,
      legalBasis: 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
    });
    expect(assessFine(red, null, NO_ORG_MULTIPLIER)).toMatchObject({ fineMultiplier: 1, points: 4 });
    const lane = selectRule(rules, act({ violation: 'ILLEGAL_LANE_CHANGE', vehicleClass: 'MOTORCYCLE' }))!;
    expect(assessFine(lane, 'PERSON', NO_ORG_MULTIPLIER).fineAmount).toBe(300 * K);
  });

  it('organisation owner: no licence points on the case (Decree 168 Art 50), the rule points kept for the driver; the individual amount unless a provision is named', () => {
    const red = selectRule(rules, act({}))!;
    expect(assessFine(red, 'ORGANISATION', NO_ORG_MULTIPLIER)).toMatchObject({ fineAmount: 19 * M, fineMultiplier: 1, points: 0, rulePoints: 4, legalBasis: 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP' });
    const doubled = assessFine(red, 'ORGANISATION', { multiplier: 2, basis: 'khoản 1 Điều 24 Luật Xử lý vi phạm hành chính' });
    expect(doubled).toMatchObject({ fineMin: 36 * M, fineMax: 40 * M, fineAmount: 38 * M, fineMultiplier: 2, points: 0 });
    expect(doubled.legalBasis).toBe(
      'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP; mức phạt đối với tổ chức bằng 2 lần mức phạt đối với cá nhân theo khoản 1 Điều 24 Luật Xử lý vi phạm hành chính',
    );
    expect(() => assessFine(red, 'ORGANISATION', { multiplier: 2, basis: null })).toThrow(/provision/);
    expect(assessFine(red, 'PERSON', { multiplier: 2, basis: 'x' })).toMatchObject({ fineMultiplier: 1, points: 4 });
  });

  it('never has two equally specific rules in force for one act, across every table of the directory', () => {
    const all = ruleTableFiles(RULE_TABLES_DIR).flatMap((f) => readRuleTable(f).rules);
    const specificity = (r: TFineRule) => Object.values(r.conditions).filter((v) => v !== undefined).length;
    const ambiguous: string[] = [];
    const flags = [false, true];
    for (const violation of Object.values(Violation))
      for (const vehicleClass of ['CAR', 'TRUCK', 'BUS', 'MOTORCYCLE', 'MOPED'] as const)
        for (const onExpressway of flags)
          for (const inTunnel of flags)
            for (const onBridge of flags)
              for (const inUrbanArea of flags)
                for (const inResidentialArea of flags)
                  for (const capturedAt of [AT, new Date('2026-03-10T16:00:00Z')])
                    for (const speedOverKmh of violation === 'SPEEDING' ? [4, 5, 9, 10, 20, 21, 35, 36, 80] : [null])
                      for (const passengers of violation === 'EXCESS_PASSENGERS' ? [1, 2, 3, 5] : [null]) {
                        const a = act({ violation, vehicleClass, onExpressway, inTunnel, onBridge, inUrbanArea, inResidentialArea, capturedAt, speedOverKmh, passengers });
                        const fits = all.filter((r) => selectRule([r], a));
                        const top = Math.max(...fits.map(specificity));
                        const best = fits.filter((r) => specificity(r) === top);
                        if (best.length > 1) ambiguous.push(`${JSON.stringify(a)}: ${best.map((r) => `${r.code}@${r.version}`).join(', ')}`);
                      }
    expect(ambiguous).toEqual([]);
  });
});

describe('corrections checked against the decree text (gtdb transcription of Decree 168/2024)', () => {
  const pick = (over: Partial<TAct>) => selectRule(rules, act(over));
  const cite = (over: Partial<TAct>) => {
    const r = pick(over);
    return r && { basis: legalBasisOf(r), fineMin: r.fineMin, fineMax: r.fineMax, points: r.points, communeCompetent: r.communeCompetent };
  };
  const D = 'Nghị định 168/2024/NĐ-CP';

  it('motorbike U-turn where not allowed → điểm k khoản 2 Điều 7 (400–600k, no points, commune competent: Art 41.4.b)', () => {
    for (const violation of ['FORBIDDEN_U_TURN', 'U_TURN_BANNED_PLACE'] as const)
      for (const vehicleClass of ['MOTORCYCLE', 'MOPED'] as const)
        expect(cite({ violation, vehicleClass })).toEqual({ basis: `điểm k khoản 2 Điều 7 ${D}`, fineMin: 400 * K, fineMax: 600 * K, points: 0, communeCompetent: true });
  });

  it('motorbike U-turn in a tunnel → điểm d khoản 4 Điều 7 (800k–1 M, no points), which 7.2.k excludes', () => {
    expect(cite({ violation: 'FORBIDDEN_U_TURN', vehicleClass: 'MOTORCYCLE', inTunnel: true })).toEqual({ basis: `điểm d khoản 4 Điều 7 ${D}`, fineMin: 800 * K, fineMax: 1 * M, points: 0, communeCompetent: true });
  });

  it('motorbike left/right turn against a sign or without a signal → điểm a khoản 3 Điều 7 (600–800k), never a U-turn', () => {
    expect(cite({ violation: 'FORBIDDEN_TURN', vehicleClass: 'MOTORCYCLE' })).toEqual({ basis: `điểm a khoản 3 Điều 7 ${D}`, fineMin: 600 * K, fineMax: 800 * K, points: 0, communeCompetent: false });
    expect(rules.filter((r) => r.article === 7 && r.clause === 3 && r.point === 'a').map((r) => r.violation)).toEqual(['FORBIDDEN_TURN']);
  });

  it('car U-turn or reversing on an expressway → điểm đ khoản 11 Điều 6 (30–40 M, 10 points), not 6.4.k', () => {
    for (const violation of ['FORBIDDEN_U_TURN', 'U_TURN_BANNED_PLACE', 'REVERSING', 'WRONG_WAY'] as const)
      for (const inTunnel of [false, true])
        expect(cite({ violation, onExpressway: true, inTunnel })).toEqual({ basis: `điểm đ khoản 11 Điều 6 ${D}`, fineMin: 30 * M, fineMax: 40 * M, points: 10, communeCompetent: false });
    expect(pick({ violation: 'FORBIDDEN_TURN', onExpressway: true })).toBeNull();
  });

  it('car U-turn or reversing in a tunnel → điểm đ khoản 4 Điều 6 (2–3 M, 2 points: Art 6.16.a)', () => {
    for (const violation of ['FORBIDDEN_U_TURN', 'U_TURN_BANNED_PLACE', 'REVERSING'] as const)
      expect(cite({ violation, vehicleClass: 'TRUCK', inTunnel: true })).toEqual({ basis: `điểm đ khoản 4 Điều 6 ${D}`, fineMin: 2 * M, fineMax: 3 * M, points: 2, communeCompetent: false });
  });

  it('car U-turn against a sign → điểm k, at a banned place → điểm i, reversing where banned → điểm e khoản 4 Điều 6 (2–3 M, no points)', () => {
    const row = (basis: string) => ({ basis, fineMin: 2 * M, fineMax: 3 * M, points: 0, communeCompetent: false });
    expect(cite({ violation: 'FORBIDDEN_U_TURN' })).toEqual(row(`điểm k khoản 4 Điều 6 ${D}`));
    expect(cite({ violation: 'U_TURN_BANNED_PLACE' })).toEqual(row(`điểm i khoản 4 Điều 6 ${D}`));
    expect(cite({ violation: 'REVERSING' })).toEqual(row(`điểm e khoản 4 Điều 6 ${D}`));
  });

  it('motorbike wrong way on an expressway → điểm b khoản 7 Điều 7 (4–6 M, 6 points: Art 7.13.c), not điểm a (2 points)', () => {
    expect(cite({ violation: 'WRONG_WAY', vehicleClass: 'MOPED', onExpressway: true })).toEqual({ basis: `điểm b khoản 7 Điều 7 ${D}`, fineMin: 4 * M, fineMax: 6 * M, points: 6, communeCompetent: false });
    expect(cite({ violation: 'WRONG_WAY', vehicleClass: 'MOPED' })).toMatchObject({ basis: `điểm a khoản 7 Điều 7 ${D}`, points: 2 });
  });

  it('motorbike parking on the roadway or sidewalk (PARKING_ON_ROADWAY_OR_SIDEWALK) → điểm d khoản 2 Điều 7; parking under a sign (ILLEGAL_PARKING), stopping under a sign or at an intersection stay điểm e', () => {
    expect(cite({ violation: 'PARKING_ON_ROADWAY_OR_SIDEWALK', vehicleClass: 'MOTORCYCLE' })).toEqual({ basis: `điểm d khoản 2 Điều 7 ${D}`, fineMin: 400 * K, fineMax: 600 * K, points: 0, communeCompetent: true });
    expect(cite({ violation: 'ILLEGAL_PARKING', vehicleClass: 'MOTORCYCLE' })).toEqual({ basis: `điểm e khoản 2 Điều 7 ${D}`, fineMin: 400 * K, fineMax: 600 * K, points: 0, communeCompetent: true });
    expect(cite({ violation: 'ILLEGAL_STOPPING', vehicleClass: 'MOTORCYCLE' })?.basis).toBe(`điểm e khoản 2 Điều 7 ${D}`);
    expect(cite({ violation: 'STOPPING_AT_INTERSECTION', vehicleClass: 'MOTORCYCLE' })?.basis).toBe(`điểm e khoản 2 Điều 7 ${D}`);
  });

  it('car stopping or parking in a road tunnel → điểm đ khoản 4 Điều 6 (2–3 M, 2 points: Art 6.16.a), which 6.2.đ and 6.3.e exclude', () => {
    for (const violation of ['ILLEGAL_STOPPING', 'ILLEGAL_PARKING'] as const) {
      expect(cite({ violation, inTunnel: true })).toEqual({ basis: `điểm đ khoản 4 Điều 6 ${D}`, fineMin: 2 * M, fineMax: 3 * M, points: 2, communeCompetent: false });
    }
    expect(cite({ violation: 'ILLEGAL_STOPPING' })?.basis).toBe(`điểm đ khoản 2 Điều 6 ${D}`);
    expect(cite({ violation: 'ILLEGAL_PARKING' })?.basis).toBe(`điểm e khoản 3 Điều 6 ${D}`);
  });

  it('the commune police chief may fine 7.1.e, 7.2.g, 7.3.b and 7.4.đ (điểm b khoản 4 Điều 41)', () => {
    const moto = { vehicleClass: 'MOTORCYCLE' } as const;
    expect(pick({ ...moto, violation: 'ILLEGAL_LANE_CHANGE' })).toMatchObject({ point: 'e', clause: 1, communeCompetent: true });
    expect(pick({ ...moto, violation: 'EXCESS_PASSENGERS', passengers: 2 })).toMatchObject({ point: 'g', clause: 2, communeCompetent: true });
    expect(pick({ ...moto, violation: 'EXCESS_PASSENGERS', passengers: 3 })).toMatchObject({ point: 'b', clause: 3, communeCompetent: true });
    expect(pick({ ...moto, violation: 'PHONE_USE' })).toMatchObject({ point: 'đ', clause: 4, communeCompetent: true });
  });

  it('withdraws each wrong row with its reason and citation, names rows of the file as replacements, and never picks a withdrawn row', () => {
    expect(table.withdraws.map((w) => `${w.code}@${w.version}`).sort()).toEqual(
      [
        'ND168-6.4.k:FORBIDDEN_TURN@1',
        'ND168-7.7.a:WRONG_WAY@1',
        'ND168-7.2.d:ILLEGAL_PARKING@1',
        'ND168-7.1.e:ILLEGAL_LANE_CHANGE@1',
        'ND168-7.2.g:EXCESS_PASSENGERS@1',
        'ND168-7.3.b:EXCESS_PASSENGERS@1',
        'ND168-7.4.đ:PHONE_USE@1',
      ].sort(),
    );
    for (const w of table.withdraws) expect(w.citation).toMatch(/Điều \d+ Nghị định 168\/2024\/NĐ-CP$/);
    const parking = pick({ violation: 'ILLEGAL_PARKING', vehicleClass: 'MOTORCYCLE' })!;
    expect(selectRule([{ ...parking, withdrawnAt: new Date() }], act({ violation: 'ILLEGAL_PARKING', vehicleClass: 'MOTORCYCLE' }))).toBeNull();
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

  it('an amended version of a general point supersedes that point only: the special point still wins where it applies', () => {
    const all = ruleTableFiles(RULE_TABLES_DIR).flatMap((f) => readRuleTable(f).rules);
    const general = selectRule(all, act({ violation: 'ILLEGAL_STOPPING', vehicleClass: 'MOTORCYCLE' }))!;
    expect(general.code).toBe('ND168-7.2.e:ILLEGAL_STOPPING');
    // A hypothetical amendment of 7.2.e from 15 Aug 2026, as a new version of its code.
    const amended: TFineRule = { ...general, version: 9, fineMin: 500 * K, fineMax: 700 * K, effectiveFrom: '2026-08-15', source: '238/2026/NĐ-CP' };
    const after = new Date('2026-09-01T02:00:00Z');
    expect(selectRule([...all, amended], act({ violation: 'ILLEGAL_STOPPING', vehicleClass: 'MOTORCYCLE', capturedAt: after }))).toBe(amended);
    // On a bridge the special 7.3.c stays, although the amended 7.2.e took effect later.
    expect(selectRule([...all, amended], act({ violation: 'ILLEGAL_STOPPING', vehicleClass: 'MOTORCYCLE', capturedAt: after, onBridge: true }))!.code).toBe('ND168-7.3.c:ILLEGAL_STOPPING');
    // The superseded version no longer counts, even where the new one's conditions would not apply.
    const narrowed: TFineRule = { ...amended, conditions: { urban: true } };
    expect(selectRule([...all, narrowed], act({ violation: 'ILLEGAL_STOPPING', vehicleClass: 'MOTORCYCLE', capturedAt: after }))).toBeNull();
  });

  it('cites a row enacted by an amending decree as the amended provision "được sửa đổi, bổ sung bởi" that decree', () => {
    const row = { point: 'b', clause: 8, article: 13, decree: '168/2024/NĐ-CP', source: '238/2026/NĐ-CP' };
    expect(legalBasisOf(row)).toBe('điểm b khoản 8 Điều 13 Nghị định 168/2024/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định 238/2026/NĐ-CP');
    expect(legalBasisOf({ ...row, source: row.decree })).toBe('điểm b khoản 8 Điều 13 Nghị định 168/2024/NĐ-CP');
  });
});
