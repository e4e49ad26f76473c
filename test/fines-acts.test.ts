import { describe, expect, it } from 'vitest';
import { vietnamDate } from '../src/clock/index.ts';
import type { VehicleClass, Violation } from '../src/generated/prisma/enums.ts';
import { Violation as VIOLATIONS } from '../src/generated/prisma/enums.ts';
import { legalBasisOf, readRuleFile, RULE_TABLES_DIR, ruleTableFiles, selectRule, type TAct, type TFineRule } from '../src/fines/index.ts';
import { meetsConditions, withinLocalTime } from '../src/fines/select-rule.ts';

/** Every checked-in table, as `npm run db:seed` loads them. */
const rules = ruleTableFiles(RULE_TABLES_DIR).flatMap(readRuleFile);

const M = 1_000_000;
const K = 1_000;
const CARS: VehicleClass[] = ['CAR', 'TRUCK', 'BUS'];
const BIKES: VehicleClass[] = ['MOTORCYCLE', 'MOPED'];

/** 10 Mar 2026, 09:00 Vietnam time: daytime, after 6.3.m took effect. */
const DAY = '2026-03-10T02:00:00Z';
/** 10 Mar 2026, 23:30 Vietnam time. */
const NIGHT = '2026-03-10T16:30:00Z';

type TPlace = { expressway?: boolean; urban?: boolean; residential?: boolean; bridge?: boolean; tunnel?: boolean };

const act = (violation: Violation, vehicleClass: VehicleClass, place: TPlace = {}, at = DAY): TAct => ({
  violation,
  vehicleClass,
  capturedAt: new Date(at),
  onExpressway: place.expressway ?? false,
  speedOverKmh: null,
  passengers: null,
  inUrbanArea: place.urban ?? false,
  inResidentialArea: place.residential ?? false,
  onBridge: place.bridge ?? false,
  inTunnel: place.tunnel ?? false,
});

const provisionOf = (r: TFineRule) => [r.article, r.clause, r.point].filter((p) => p !== null).join('.');

type TProvision = {
  /** As a notice cites it, e.g. "điểm đ khoản 1 Điều 6". */
  title: string;
  provision: string;
  fine: [number, number];
  points: number;
  /** Within the commune police chief's authority (Art 41.4). */
  commune: boolean;
  /** Acts this provision fines: violation, vehicle classes, place and capture time. */
  applies: { v: Violation; classes: VehicleClass[]; place?: TPlace; at?: string }[];
  /** The same act where the provision does not apply: another provision (or none) fines it. */
  notHere?: { v: Violation; classes: VehicleClass[]; place?: TPlace; at?: string; other: string | null }[];
};

/**
 * Each provision added for issue 7 §2, checked by hand against the text of Decree
 * 168/2024/NĐ-CP (amounts from the clause, points from Art 6.16, 7.13, 13.13, 14.8,
 * 20.10 and 21.13, commune competence from Art 41.4).
 */
const PROVISIONS: TProvision[] = [
  // Plates (Art 13 cars, Art 14 motorcycles and mopeds).
  { title: 'điểm b khoản 7 Điều 13', provision: '13.7.b', fine: [10 * M, 12 * M], points: 6, commune: false, applies: [{ v: 'NO_PLATE', classes: CARS }] },
  { title: 'điểm a khoản 8 Điều 13', provision: '13.8.a', fine: [20 * M, 26 * M], points: 10, commune: false, applies: [{ v: 'PLATE_NOT_MATCHING_REGISTRATION', classes: CARS }] },
  { title: 'điểm b khoản 8 Điều 13', provision: '13.8.b', fine: [20 * M, 26 * M], points: 6, commune: false, applies: [{ v: 'PLATE_OBSCURED', classes: CARS }] },
  {
    title: 'điểm a khoản 3 Điều 14',
    provision: '14.3.a',
    fine: [4 * M, 6 * M],
    points: 6,
    commune: false,
    applies: [
      { v: 'NO_PLATE', classes: BIKES },
      { v: 'PLATE_NOT_MATCHING_REGISTRATION', classes: BIKES },
    ],
  },
  { title: 'điểm b khoản 3 Điều 14', provision: '14.3.b', fine: [4 * M, 6 * M], points: 6, commune: false, applies: [{ v: 'PLATE_OBSCURED', classes: BIKES }] },

  // Cars, trucks and buses (Art 6).
  {
    title: 'điểm đ khoản 1 Điều 6',
    provision: '6.1.đ',
    fine: [400 * K, 600 * K],
    points: 0,
    commune: true,
    applies: [
      { v: 'NIGHT_HORN', classes: CARS, place: { residential: true }, at: NIGHT },
      { v: 'NIGHT_HORN', classes: ['CAR'], place: { residential: true }, at: '2026-03-10T15:00:00Z' },
      { v: 'NIGHT_HORN', classes: ['CAR'], place: { residential: true }, at: '2026-03-10T22:00:00Z' },
    ],
    notHere: [
      { v: 'NIGHT_HORN', classes: ['CAR'], place: { residential: true }, at: DAY, other: null },
      { v: 'NIGHT_HORN', classes: ['CAR'], place: { residential: true }, at: '2026-03-10T14:59:59Z', other: null },
      { v: 'NIGHT_HORN', classes: ['CAR'], place: { residential: true }, at: '2026-03-10T22:00:01Z', other: null },
      { v: 'NIGHT_HORN', classes: ['CAR'], place: { residential: false }, at: NIGHT, other: null },
    ],
  },
  {
    title: 'điểm b khoản 3 Điều 6',
    provision: '6.3.b',
    fine: [800 * K, 1 * M],
    points: 0,
    commune: true,
    applies: [
      { v: 'CONTINUOUS_HORN', classes: CARS },
      { v: 'CONTINUOUS_HORN', classes: CARS, place: { residential: true }, at: NIGHT },
      { v: 'HIGH_BEAM', classes: CARS, at: NIGHT },
    ],
  },
  { title: 'điểm c khoản 3 Điều 6', provision: '6.3.c', fine: [800 * K, 1 * M], points: 0, commune: false, applies: [{ v: 'TURN_WITHOUT_SIGNAL', classes: CARS }] },
  {
    title: 'điểm g khoản 3 Điều 6',
    provision: '6.3.g',
    fine: [800 * K, 1 * M],
    points: 0,
    commune: true,
    applies: [
      { v: 'NO_HEADLIGHTS', classes: CARS, at: NIGHT },
      { v: 'NO_HEADLIGHTS', classes: ['CAR'], at: '2026-03-10T11:00:00Z' },
      { v: 'NO_HEADLIGHTS', classes: ['CAR'], at: '2026-03-10T23:00:00Z' },
    ],
    notHere: [
      { v: 'NO_HEADLIGHTS', classes: ['CAR'], at: DAY, other: null },
      { v: 'NO_HEADLIGHTS', classes: ['CAR'], at: '2026-03-10T10:59:59Z', other: null },
      { v: 'NO_HEADLIGHTS', classes: ['CAR'], place: { tunnel: true }, at: NIGHT, other: '6.3.n' },
    ],
  },
  {
    title: 'điểm m khoản 3 Điều 6',
    provision: '6.3.m',
    fine: [800 * K, 1 * M],
    points: 0,
    commune: false,
    applies: [
      { v: 'CHILD_SAFETY', classes: CARS },
      { v: 'CHILD_SAFETY', classes: ['CAR'], at: '2025-12-31T17:00:00Z' },
    ],
    // Art 53.2: point m of 6.3 takes effect on 1 Jan 2026, Vietnam time.
    notHere: [{ v: 'CHILD_SAFETY', classes: ['CAR'], at: '2025-12-31T16:59:59Z', other: null }],
  },
  {
    title: 'điểm n khoản 3 Điều 6',
    provision: '6.3.n',
    fine: [800 * K, 1 * M],
    points: 0,
    commune: false,
    applies: [
      { v: 'NO_HEADLIGHTS', classes: CARS, place: { tunnel: true } },
      { v: 'NO_HEADLIGHTS', classes: ['CAR'], place: { tunnel: true }, at: NIGHT },
    ],
  },
  {
    title: 'điểm b khoản 4 Điều 6',
    provision: '6.4.b',
    fine: [2 * M, 3 * M],
    points: 2,
    commune: false,
    applies: [
      { v: 'ILLEGAL_STOPPING', classes: CARS, place: { bridge: true } },
      { v: 'ILLEGAL_PARKING', classes: CARS, place: { bridge: true } },
      { v: 'STOPPING_DANGEROUS_PLACE', classes: CARS, place: { bridge: true } },
    ],
    notHere: [
      { v: 'ILLEGAL_STOPPING', classes: ['CAR'], other: '6.2.đ' },
      { v: 'ILLEGAL_PARKING', classes: ['CAR'], other: '6.3.e' },
      // On an expressway (a bridge of one included) it is 6.7.c: 6.4.b excepts it.
      { v: 'ILLEGAL_STOPPING', classes: ['CAR'], place: { bridge: true, expressway: true }, other: '6.7.c' },
    ],
  },
  {
    title: 'điểm l khoản 4 Điều 6',
    provision: '6.4.l',
    fine: [2 * M, 3 * M],
    points: 0,
    commune: false,
    applies: [{ v: 'FOLLOWING_TOO_CLOSE', classes: CARS }],
    notHere: [{ v: 'FOLLOWING_TOO_CLOSE', classes: ['TRUCK'], place: { expressway: true }, other: '6.5.d' }],
  },
  { title: 'điểm a khoản 5 Điều 6', provision: '6.5.a', fine: [4 * M, 6 * M], points: 2, commune: false, applies: [{ v: 'ILLEGAL_OVERTAKING', classes: CARS }] },
  {
    title: 'điểm d khoản 5 Điều 6',
    provision: '6.5.d',
    fine: [4 * M, 6 * M],
    points: 2,
    commune: false,
    applies: [
      { v: 'FOLLOWING_TOO_CLOSE', classes: CARS, place: { expressway: true } },
      { v: 'EMERGENCY_LANE', classes: CARS, place: { expressway: true } },
    ],
  },
  { title: 'điểm l khoản 5 Điều 6', provision: '6.5.l', fine: [4 * M, 6 * M], points: 0, commune: false, applies: [{ v: 'NOT_YIELDING_TO_PEDESTRIANS', classes: CARS }] },
  { title: 'điểm m khoản 5 Điều 6', provision: '6.5.m', fine: [4 * M, 6 * M], points: 0, commune: false, applies: [{ v: 'NOT_YIELDING_WHEN_TURNING', classes: CARS }] },
  { title: 'điểm n khoản 5 Điều 6', provision: '6.5.n', fine: [4 * M, 6 * M], points: 2, commune: false, applies: [{ v: 'NOT_YIELDING_TO_MAIN_ROAD', classes: CARS }] },
  { title: 'điểm o khoản 5 Điều 6', provision: '6.5.o', fine: [4 * M, 6 * M], points: 2, commune: false, applies: [{ v: 'NOT_YIELDING_AT_JUNCTION', classes: CARS }] },
  { title: 'điểm p khoản 5 Điều 6', provision: '6.5.p', fine: [4 * M, 6 * M], points: 6, commune: false, applies: [{ v: 'PEOPLE_ON_ROOF_OR_OUTSIDE', classes: CARS }] },
  {
    title: 'điểm b khoản 7 Điều 6',
    provision: '6.7.b',
    fine: [12 * M, 14 * M],
    points: 4,
    commune: false,
    applies: [{ v: 'FOUR_WHEELER_ON_EXPRESSWAY', classes: ['CAR', 'TRUCK'], place: { expressway: true } }],
    notHere: [{ v: 'FOUR_WHEELER_ON_EXPRESSWAY', classes: ['CAR'], other: null }],
  },

  // Motorcycles and mopeds (Art 7).
  {
    title: 'điểm g khoản 1 Điều 7',
    provision: '7.1.g',
    fine: [200 * K, 400 * K],
    points: 0,
    commune: true,
    applies: [{ v: 'NO_HEADLIGHTS', classes: BIKES, at: NIGHT }],
    notHere: [
      { v: 'NO_HEADLIGHTS', classes: ['MOTORCYCLE'], at: DAY, other: null },
      { v: 'NO_HEADLIGHTS', classes: ['MOTORCYCLE'], place: { tunnel: true }, at: NIGHT, other: '7.3.h' },
    ],
  },
  { title: 'điểm h khoản 1 Điều 7', provision: '7.1.h', fine: [200 * K, 400 * K], points: 0, commune: false, applies: [{ v: 'HIGH_BEAM', classes: BIKES, at: NIGHT }] },
  {
    title: 'điểm i khoản 1 Điều 7',
    provision: '7.1.i',
    fine: [200 * K, 400 * K],
    points: 0,
    commune: true,
    applies: [{ v: 'NIGHT_HORN', classes: BIKES, place: { residential: true }, at: NIGHT }],
    notHere: [
      { v: 'NIGHT_HORN', classes: ['MOPED'], place: { residential: true }, at: DAY, other: null },
      { v: 'NIGHT_HORN', classes: ['MOPED'], at: NIGHT, other: null },
    ],
  },
  {
    title: 'điểm d khoản 2 Điều 7',
    provision: '7.2.d',
    fine: [400 * K, 600 * K],
    points: 0,
    commune: true,
    applies: [{ v: 'STOPPING_CAUSING_CONGESTION', classes: BIKES }],
  },
  { title: 'điểm a khoản 3 Điều 7', provision: '7.3.a', fine: [600 * K, 800 * K], points: 0, commune: false, applies: [{ v: 'TURN_WITHOUT_SIGNAL', classes: BIKES }] },
  {
    title: 'điểm c khoản 3 Điều 7',
    provision: '7.3.c',
    fine: [600 * K, 800 * K],
    points: 0,
    commune: true,
    applies: [
      { v: 'ILLEGAL_STOPPING', classes: BIKES, place: { bridge: true } },
      { v: 'ILLEGAL_PARKING', classes: BIKES, place: { bridge: true } },
      { v: 'STOPPING_DANGEROUS_PLACE', classes: BIKES, place: { bridge: true } },
      { v: 'STOPPING_CAUSING_CONGESTION', classes: BIKES, place: { bridge: true } },
    ],
    notHere: [
      { v: 'ILLEGAL_STOPPING', classes: ['MOTORCYCLE'], other: '7.2.e' },
      { v: 'STOPPING_DANGEROUS_PLACE', classes: ['MOTORCYCLE'], other: null },
    ],
  },
  { title: 'điểm h khoản 3 Điều 7', provision: '7.3.h', fine: [600 * K, 800 * K], points: 0, commune: false, applies: [{ v: 'NO_HEADLIGHTS', classes: BIKES, place: { tunnel: true } }] },
  { title: 'điểm i khoản 3 Điều 7', provision: '7.3.i', fine: [600 * K, 800 * K], points: 0, commune: false, applies: [{ v: 'FOLLOWING_TOO_CLOSE', classes: BIKES }] },
  { title: 'điểm k khoản 3 Điều 7', provision: '7.3.k', fine: [600 * K, 800 * K], points: 0, commune: true, applies: [{ v: 'RIDING_ABREAST', classes: BIKES }] },
  {
    title: 'điểm b khoản 4 Điều 7',
    provision: '7.4.b',
    fine: [800 * K, 1 * M],
    points: 0,
    commune: true,
    applies: [
      { v: 'ILLEGAL_STOPPING', classes: BIKES, place: { tunnel: true } },
      { v: 'ILLEGAL_PARKING', classes: BIKES, place: { tunnel: true } },
      { v: 'STOPPING_DANGEROUS_PLACE', classes: BIKES, place: { tunnel: true } },
      { v: 'STOPPING_CAUSING_CONGESTION', classes: BIKES, place: { tunnel: true } },
    ],
  },
  { title: 'điểm c khoản 4 Điều 7', provision: '7.4.c', fine: [800 * K, 1 * M], points: 0, commune: false, applies: [{ v: 'ILLEGAL_OVERTAKING', classes: BIKES }] },
  {
    title: 'điểm k khoản 9 Điều 7',
    provision: '7.9.k',
    fine: [8 * M, 10 * M],
    points: 0,
    commune: false,
    applies: [{ v: 'CONTINUOUS_HORN', classes: BIKES, place: { residential: true } }],
    notHere: [{ v: 'CONTINUOUS_HORN', classes: ['MOTORCYCLE'], other: null }],
  },

  // Passenger transport (Art 20) and goods vehicles (Art 21).
  { title: 'điểm e khoản 3 Điều 20', provision: '20.3.e', fine: [600 * K, 800 * K], points: 2, commune: false, applies: [{ v: 'OVERSIZE_CARGO', classes: ['BUS'] }] },
  {
    title: 'khoản 8 Điều 20',
    provision: '20.8',
    fine: [10 * M, 12 * M],
    points: 6,
    commune: false,
    applies: [{ v: 'PICKUP_ON_EXPRESSWAY', classes: ['CAR', 'BUS'], place: { expressway: true } }],
    notHere: [{ v: 'PICKUP_ON_EXPRESSWAY', classes: ['BUS'], other: null }],
  },
  { title: 'điểm b khoản 2 Điều 21', provision: '21.2.b', fine: [800 * K, 1 * M], points: 2, commune: false, applies: [{ v: 'OVERSIZE_CARGO', classes: ['TRUCK'] }] },
  { title: 'khoản 4 Điều 21', provision: '21.4', fine: [2 * M, 3 * M], points: 2, commune: false, applies: [{ v: 'OVERHEIGHT_CARGO', classes: ['TRUCK'] }] },
  {
    title: 'điểm d khoản 6 Điều 21',
    provision: '21.6.d',
    fine: [5 * M, 7 * M],
    points: 2,
    commune: false,
    applies: [{ v: 'TRUCK_ROUTE_OR_HOURS', classes: ['TRUCK'], place: { urban: true } }],
    notHere: [{ v: 'TRUCK_ROUTE_OR_HOURS', classes: ['TRUCK'], other: null }],
  },
  {
    title: 'khoản 9 Điều 21',
    provision: '21.9',
    fine: [10 * M, 12 * M],
    points: 6,
    commune: false,
    applies: [{ v: 'PICKUP_ON_EXPRESSWAY', classes: ['TRUCK'], place: { expressway: true } }],
  },
];

describe('camera-detectable acts of Decree 168/2024 (issue 7 §2)', () => {
  it.each(PROVISIONS)('$title ($provision): fine, points, commune competence, and the acts it covers', (p) => {
    for (const a of p.applies) {
      for (const cls of a.classes) {
        const rule = selectRule(rules, act(a.v, cls, a.place, a.at));
        expect(rule && provisionOf(rule), `${a.v} by ${cls} ${JSON.stringify(a.place ?? {})} at ${a.at ?? DAY}`).toBe(p.provision);
        expect([rule!.fineMin, rule!.fineMax, rule!.points, rule!.communeCompetent]).toEqual([...p.fine, p.points, p.commune]);
        expect(rule!.decree).toBe('168/2024/NĐ-CP');
        expect(legalBasisOf(rule!)).toBe(`${p.title} Nghị định 168/2024/NĐ-CP`);
      }
    }
    for (const a of p.notHere ?? []) {
      for (const cls of a.classes) {
        const rule = selectRule(rules, act(a.v, cls, a.place, a.at));
        expect(rule && provisionOf(rule), `${a.v} by ${cls} ${JSON.stringify(a.place ?? {})} at ${a.at ?? DAY}`).toBe(a.other);
      }
    }
  });

  it('has no rule for an act by a vehicle class its provision does not name', () => {
    expect(selectRule(rules, act('RIDING_ABREAST', 'CAR'))).toBeNull();
    expect(selectRule(rules, act('TRUCK_ROUTE_OR_HOURS', 'BUS', { urban: true }))).toBeNull();
    expect(selectRule(rules, act('CHILD_SAFETY', 'MOTORCYCLE'))).toBeNull();
  });

  it('gives every violation code of the camera contract at least one rule', () => {
    const covered = new Set(rules.map((r) => r.violation));
    expect(Object.values(VIOLATIONS).filter((v) => !covered.has(v))).toEqual([]);
  });

  it('quotes the decree in every added row and names the provision in its code', () => {
    const added = readRuleFile(`${RULE_TABLES_DIR}/decree-168-2024-camera-acts.json`);
    expect(added).toHaveLength(48);
    for (const r of added) expect(r.code).toBe(`ND168-${provisionOf(r)}:${r.violation}`);
    expect(new Set(PROVISIONS.map((p) => p.provision))).toEqual(new Set(added.map(provisionOf)));
  });
});

describe('time-of-day windows (Vietnam time)', () => {
  const night = { from: '22:00', to: '05:00' };
  it('runs past midnight when it starts later than it ends, both ends included', () => {
    expect(withinLocalTime(new Date('2026-03-10T14:59:59.999Z'), night)).toBe(false); // 21:59:59.999
    expect(withinLocalTime(new Date('2026-03-10T15:00:00.000Z'), night)).toBe(true); // 22:00
    expect(withinLocalTime(new Date('2026-03-10T17:00:00.000Z'), night)).toBe(true); // 00:00 next day
    expect(withinLocalTime(new Date('2026-03-10T22:00:00.000Z'), night)).toBe(true); // 05:00:00.000
    expect(withinLocalTime(new Date('2026-03-10T22:00:00.001Z'), night)).toBe(false); // 05:00:00.001
  });
  it('is an ordinary interval when it starts earlier than it ends', () => {
    const office = { from: '06:00', to: '21:00' };
    expect(withinLocalTime(new Date('2026-03-09T22:59:59Z'), office)).toBe(false); // 05:59:59
    expect(withinLocalTime(new Date('2026-03-09T23:00:00Z'), office)).toBe(true); // 06:00
    expect(withinLocalTime(new Date('2026-03-10T14:00:00Z'), office)).toBe(true); // 21:00
    expect(withinLocalTime(new Date('2026-03-10T14:00:01Z'), office)).toBe(false);
  });
  it('reads instants before 1970 too', () => {
    expect(withinLocalTime(new Date('1969-12-31T16:00:00Z'), night)).toBe(true); // 23:00 Vietnam time
  });
});

describe('choosing between a general and a special provision', () => {
  const general = rules.find((r) => r.code === 'ND168-7.2.e:ILLEGAL_STOPPING')!;
  const bridge = rules.find((r) => r.code === 'ND168-7.3.c:ILLEGAL_STOPPING')!;
  it('prefers the row naming more circumstances, whatever the order of the table', () => {
    const onBridge = act('ILLEGAL_STOPPING', 'MOTORCYCLE', { bridge: true });
    expect(selectRule([general, bridge], onBridge)!.code).toBe(bridge.code);
    expect(selectRule([bridge, general], onBridge)!.code).toBe(bridge.code);
  });
});

describe('every act of the tables has one provision', () => {
  it('never has two rows in force on one day that an act meets and that name as many circumstances', () => {
    const bools = [false, true];
    const places = bools.flatMap((expressway) =>
      bools.flatMap((urban) => bools.flatMap((residential) => bools.flatMap((bridge) => bools.map((tunnel) => ({ expressway, urban, residential, bridge, tunnel }))))),
    );
    // Daytime, evening (19:00), night (23:30), early morning (04:00 and 05:30) in Vietnam, in 2025 and 2026.
    const times = ['2025-06-10T02:00:00Z', '2026-03-10T12:00:00Z', NIGHT, '2026-03-10T21:00:00Z', '2026-03-10T22:30:00Z'];
    const named = (r: TFineRule) => Object.values(r.conditions).filter((v) => v !== undefined).length;
    const ambiguous: string[] = [];
    for (const violation of Object.values(VIOLATIONS))
      for (const vehicleClass of [...CARS, ...BIKES])
        for (const place of places)
          for (const at of times)
            for (const speedOverKmh of violation === 'SPEEDING' ? [5, 9, 10, 20, 21, 35, 36] : [null])
              for (const passengers of violation === 'EXCESS_PASSENGERS' ? [2, 3] : [null]) {
                const a = { ...act(violation, vehicleClass, place, at), speedOverKmh, passengers };
                const day = vietnamDate(a.capturedAt);
                const fits = rules.filter(
                  (r) =>
                    r.violation === violation &&
                    r.vehicleClasses.includes(vehicleClass) &&
                    r.effectiveFrom <= day &&
                    (r.effectiveTo === null || r.effectiveTo > day) &&
                    meetsConditions(r.conditions, a),
                );
                const latest = fits.filter((r) => r.effectiveFrom === fits.map((f) => f.effectiveFrom).sort().at(-1));
                const most = Math.max(...latest.map(named));
                const tied = new Set(latest.filter((r) => named(r) === most).map((r) => r.code));
                if (tied.size > 1) ambiguous.push(`${violation} ${vehicleClass} ${JSON.stringify(place)} ${at}: ${[...tied].join(', ')}`);
              }
    expect(ambiguous).toEqual([]);
  });
});
