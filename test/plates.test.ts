import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, type TCameraCredentials } from '../scripts/camera-client.ts';
import { applyRules, readRuleFile, RULE_TABLES_DIR } from '../src/fines/index.ts';
import { allowedClassesOf, parsePlate } from '../src/plates/index.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { CAMERA_SECRET, createTestContext, seedSite, startApi, startPipeline, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { loadTestHolidays } from './support/holidays.ts';

// Sources named in the rows:
//   DR6  domain reference §6 (Circular 79/2024/TT-BCA as summarised there; examples from xaydungchinhsach.chinhphu.vn)
//   S17  hieunguyen2604/alpr-do-an-mon-hoc docs/reports/01-vn-plate-standards.md (§ given)
//   C58  second-letter list of the registration circulars as quoted in poohoh/regex_license_plate vietnam_regex.py
//   ZONE "hai chữ cái viết tắt của khu kinh tế - thương mại đặc biệt, khu kinh tế cửa khẩu quốc tế" (registration circulars)
//   I7   issue 7 §3
describe('parsePlate: valid plates of every format', () => {
  it.each([
    // raw, normalised, format, display, source
    ['51F-123.45', '51F12345', 'CAR_OR_OLD_MOTORBIKE', '51F-123.45', 'DR6 car'],
    ['30a 12345', '30A12345', 'CAR_OR_OLD_MOTORBIKE', '30A-123.45', 'DR6 car, lower case'],
    ['36-B1 1234', '36B11234', 'CAR_OR_OLD_MOTORBIKE', '36B-112.34', 'DR6/S17 §3.3 old motorbike, 4 digits: same string as a car'],
    ['29A-1234', '29A1234', 'CAR_OLD_FOUR_DIGIT', '29A-1234', 'DR6 old 4-digit car'],
    ['29-HA 002.33', '29HA00233', 'MOTORBIKE_TWO_LETTER', '29-HA 002.33', 'DR6 two-letter motorbike'],
    ['29-AR 123.45', '29AR12345', 'MOTORBIKE_TWO_LETTER', '29-AR 123.45', 'C58/S17 §5.2 R as second letter'],
    ['29-AA 123.45', '29AA12345', 'MOTORBIKE_TWO_LETTER', '29-AA 123.45', 'S17 §3.2'],
    ['59-X1 123.45', '59X112345', 'MOTORBIKE_LETTER_DIGIT', '59-X1 123.45', 'DR6 old motorbike'],
    ['29-MD1 123.45', '29MĐ112345', 'MOTORBIKE_TWO_LETTER', '29-MĐ1 123.45', 'DR6 MĐ electric motorbike, Đ restored'],
    ['29-MD 123.45', '29MĐ12345', 'MOTORBIKE_TWO_LETTER', '29-MĐ 123.45', 'DR6 MĐ with 5 digits'],
    ['51LD-123.45', '51LD12345', 'SPECIAL_SERIES', '51LD-123.45', 'DR6 LD'],
    ['50TD-821.08', '50TĐ82108', 'SPECIAL_SERIES', '50TĐ-821.08', 'DR6 TĐ pilot, Đ restored'],
    ['29MK-001.23', '29MK00123', 'SPECIAL_SERIES_FOUR_WHEEL', '29MK-001.23', 'DR6 MK tractor'],
    ['51R-123.45', '51R12345', 'TRAILER', '51R-123.45', 'DR6 R trailer'],
    ['51RM-123.45', '51RM12345', 'TRAILER', '51RM-123.45', 'DR6 RM semi-trailer'],
    ['41-291-NG-01', '41NG29101', 'FOREIGN', '41-291-NG-01', 'I7 one-row layout'],
    ['41-NG 291-01', '41NG29101', 'FOREIGN', '41-291-NG-01', 'I7 same plate read row by row'],
    ['80-123-QT-45', '80QT12345', 'FOREIGN', '80-123-QT-45', 'I7/S17 §10.4 QT, code 80'],
    ['29-011-NN-05', '29NN01105', 'FOREIGN', '29-011-NN-05', 'S17 §10.4 NN'],
    ['29-121-CV-10', '29CV12110', 'FOREIGN', '29-121-CV-10', 'S17 §10.4 CV'],
  ])('reads %s as %s (%s, %s; %s)', (raw, normalised, format, display) => {
    const r = parsePlate(raw);
    expect(r.ok && r).toMatchObject({ plate: { normalised, format, display }, uncertain: null });
  });

  it('normalises separators and case to one key', () => {
    const keys = ['51F-123.45', '51f 123 45', '51F12345', '51F-12345', ' 51F.123.45 ', '51F\n123.45'].map((t) => {
      const r = parsePlate(t);
      return r.ok ? r.plate.normalised : t;
    });
    expect(new Set(keys)).toEqual(new Set(['51F12345']));
  });

  it('keeps the province code of a foreign plate apart from its country code', () => {
    const r = parsePlate('41-291-NG-01');
    expect(r.ok && r.plate).toMatchObject({ region: '41', country: '291', series: 'NG', number: '01' });
  });
});

describe('parsePlate: accepted but uncertain (flagged PLATE_FORMAT_UNCERTAIN)', () => {
  it.each([
    ['29-AG 123.45', 'MOTORBIKE_TWO_LETTER', /G is an ordinary series letter/, 'C58 lists no G as second letter; DR6 lists G among the 20'],
    ['26-AA 0021', 'MOTORBIKE_TWO_LETTER', /4-digit/, 'two letters with 4 digits: old or misread'],
    ['29-121-CV-101', 'FOREIGN', /3 digits/, 'S17 §10.4: 2 or 3 digits unverified'],
    ['29T-123.45', 'TEMPORARY', /T is both an ordinary series letter and the temporary/, 'DR6/S17 §5.4 T temporary; T among the 20 letters'],
    ['T29-123.45', 'TEMPORARY', /older circulars/, 'poohoh/regex_license_plate regex_temp'],
    ['29T-1234', 'TEMPORARY', /T is both an ordinary series letter and the temporary/, 'T with 4 digits: flagged like T with 5'],
    ['74LB-123.45', 'ECONOMIC_ZONE', /inference from the zone names/, 'ZONE LB: the reading of the series is an inference'],
    ['38CT-001.23', 'ECONOMIC_ZONE', /inference from the zone names/, 'ZONE CT'],
    ['11CT-001.23', 'ECONOMIC_ZONE', /check the plate and its province code/, 'ZONE CT with a province code far from Cầu Treo'],
    ['29-MD 1234', 'MOTORBIKE_TWO_LETTER', /MĐ \(electric motorbike\) series is issued with a 5-digit number/, 'DR6 MĐ; 4 digits: old or misread'],
  ])('accepts %s as %s, uncertain', (raw, format, why) => {
    const r = parsePlate(raw);
    expect(r.ok && r.plate.format).toBe(format);
    expect(r.ok && r.uncertain).toMatch(why);
  });
});

describe('parsePlate: refused (clearly not a plate)', () => {
  it.each([
    ['ABC-123', 'too short, no province'],
    ['13A-123.45', 'unused province code'],
    ['10A-123.45', 'below 11'],
    ['42-291-NG-01', 'unused province code on a foreign plate'],
    ['51I-123.45', 'I is not a series letter'],
    ['51O-123.45', 'O is not a series letter'],
    ['29-AO 123.45', 'O is no second letter in any list'],
    ['29-RA 123.45', 'R is never a first series letter except RM'],
    ['51F-12', 'number too short'],
    ['59-X0 123.45', 'series digit 0'],
    ['51F-123.456.7', 'too long'],
    ['41-NG 2910', 'foreign plate without its 2-digit number'],
    ['TM-1234', 'military plate (Ministry of Defence, outside this service)'],
  ])('refuses %s (%s)', (raw) => {
    const r = parsePlate(raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBeTruthy();
  });
});

describe('formats and vehicle classes', () => {
  it('says which vehicle classes a format allows', () => {
    const moto = parsePlate('29-AR 123.45');
    const oldCar = parsePlate('29A-1234');
    const foreign = parsePlate('41-291-NG-01');
    expect(moto.ok && moto.plate.allowedClasses).toEqual(['MOTORCYCLE', 'MOPED']);
    expect(oldCar.ok && oldCar.plate.allowedClasses).toEqual(['CAR', 'TRUCK', 'BUS']);
    expect(foreign.ok && foreign.plate.allowedClasses).toEqual(['CAR', 'TRUCK', 'BUS', 'MOTORCYCLE', 'MOPED']);
  });

  it('reads stored formats, old and new, and allows any class for a format it does not know', () => {
    expect(allowedClassesOf('MOTORBIKE_TWO_LETTER')).toEqual(['MOTORCYCLE', 'MOPED']);
    expect(allowedClassesOf('TEMPORARY')).toContain('CAR');
    expect(allowedClassesOf('SOME_FUTURE_FORMAT')).toEqual(['CAR', 'TRUCK', 'BUS', 'MOTORCYCLE', 'MOPED']);
  });
});

describe('ingest → case: plates once refused are accepted and reach a case', () => {
  let ctx: TTestContext;
  let api: Awaited<ReturnType<typeof startApi>>;
  let cam: TCameraCredentials;
  let pipeline: ReturnType<typeof startPipeline>;

  const REGISTRY = [
    'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
    '29-AR 123.45,WHITE,MOTORCYCLE,Honda,Vision,Đen,PERSON,Trần Thị Bình,001190003333,"5 Hàng Bài",Hà Nội,,,2024-01-01,',
    '41-291-NG-01,WHITE,CAR,Toyota,Camry,Đen,ORGANISATION,Đại sứ quán,0100000001,"1 Lê Duẩn",TP. Hồ Chí Minh,,,2024-01-01,',
  ].join('\n');

  beforeAll(async () => {
    ctx = await createTestContext();
    await seedSite(ctx.db, { site: 'PLATES-1', cameras: ['PLATES-CAM'] });
    await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
    await loadTestHolidays(ctx.db);
    expect((await importRegistryCsv(ctx.db, REGISTRY, 'test')).errors).toEqual([]);
    api = await startApi(ctx);
    cam = { baseUrl: api.baseUrl, cameraCode: 'PLATES-CAM', secret: CAMERA_SECRET };
    pipeline = startPipeline(ctx);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await api?.close();
    await ctx?.close();
  });

  const reviewedCaseOf = (deviceEventId: string) => async () => {
    const ev = await ctx.db.cameraEvent.findFirst({ where: { deviceEventId } });
    const c = ev?.caseId ? await ctx.db.case.findUnique({ where: { id: ev.caseId }, include: { owner: true } }) : null;
    return c?.status === 'PENDING_REVIEW' ? c : null;
  };

  it('accepts 29-AR 123.45 and 41-291-NG-01 with 202; their cases keep plate, format and owner, with no plate flag', async () => {
    const moto = makeEvent({ vehicleClass: 'MOTORCYCLE', plate: { text: '29-AR 123.45', confidence: 0.95, color: 'WHITE' } });
    const foreign = makeEvent({ plate: { text: '41-291-NG-01', confidence: 0.95, color: 'WHITE' } });
    expect((await postEvent(cam, moto)).status).toBe(202);
    expect((await postEvent(cam, foreign)).status).toBe(202);

    const motoCase = await eventually(reviewedCaseOf(moto.eventId), 20_000, 'motorbike case in review');
    expect(motoCase).toMatchObject({ plate: '29AR12345', plateRaw: '29-AR 123.45', plateFormat: 'MOTORBIKE_TWO_LETTER', flags: [] });
    expect(motoCase.owner?.name).toBe('Trần Thị Bình');
    const foreignCase = await eventually(reviewedCaseOf(foreign.eventId), 20_000, 'foreign case in review');
    // The embassy is an organisation: the fine stage flags that for a supervisor (Decree 168 Art 50).
    expect(foreignCase).toMatchObject({ plate: '41NG29101', plateFormat: 'FOREIGN', flags: ['ORGANISATION_OWNER'] });
    expect(foreignCase.owner?.name).toBe('Đại sứ quán');
  });

  it('accepts a doubtful plate and flags its case PLATE_FORMAT_UNCERTAIN, with the reason in the audit trail', async () => {
    const e = makeEvent({ vehicleClass: 'MOTORCYCLE', plate: { text: '29-AG 123.45', confidence: 0.95, color: 'WHITE' } });
    expect((await postEvent(cam, e)).status).toBe(202);
    const stored = await ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId: e.eventId } });
    expect(stored).toMatchObject({ plate: '29AG12345', plateFormat: 'MOTORBIKE_TWO_LETTER', plateUncertain: expect.stringMatching(/^G is/) });

    const c = await eventually(reviewedCaseOf(e.eventId), 20_000, 'uncertain case in review');
    expect(c.flags).toEqual(expect.arrayContaining(['PLATE_FORMAT_UNCERTAIN', 'UNREGISTERED_PLATE']));
    const opened = await ctx.db.auditEntry.findFirstOrThrow({ where: { entityType: 'case', entityId: c.id, toState: 'DETECTED' } });
    expect(opened.data).toMatchObject({ plateUncertain: expect.stringMatching(/^G is/) });
  });

  it('flags CLASS_MISMATCH when a motorbike-only format is seen on a car', async () => {
    const e = makeEvent({ vehicleClass: 'CAR', plate: { text: '29-BR 678.90', confidence: 0.95, color: 'WHITE' } });
    expect((await postEvent(cam, e)).status).toBe(202);
    const c = await eventually(reviewedCaseOf(e.eventId), 20_000, 'mismatch case in review');
    expect([...c.flags].sort()).toEqual(['CLASS_MISMATCH', 'UNREGISTERED_PLATE']);
  });

  it('still refuses what is clearly not a plate with 400', async () => {
    const res = await postEvent(cam, makeEvent({ plate: { text: '13A-123.45', confidence: 0.95, color: 'WHITE' } }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_PLATE');
  });
});
