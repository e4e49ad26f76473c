import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TServices } from '../src/compose.ts';
import { assessCase } from '../src/cases/index.ts';
import { CalendarCache } from '../src/clock/index.ts';
import { applyRules, handlingUnitFor, NO_ORG_MULTIPLIER, readRuleFile, RULE_TABLES_DIR, RuleCache } from '../src/fines/index.ts';
import type { VehicleClass, Violation } from '../src/generated/prisma/enums.ts';
import { isProvinceCode } from '../src/plates/province-codes.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { matchAddressTail, matchProvince, ownerProvinceCode, PROVINCE_UNITS_FILE, provinceUnits, ZUnitsFile } from '../src/units/index.ts';
import { createTestContext, seedSite, testServices, type TTestContext } from './support/context.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { adminRunner } from './support/admin.ts';

describe('province-level units after 1 Jul 2025 (Resolution 202/2025/QH15; codes: Decision 19/2025/QĐ-TTg)', () => {
  const units = provinceUnits();

  it('has the 34 units with their official codes, unique', () => {
    expect(units.map((u) => u.code)).toEqual([
      '01', '04', '08', '11', '12', '14', '15', '19', '20', '22', '24', '25', '31', '33', '37', '38', '40',
      '42', '44', '46', '48', '51', '52', '56', '66', '68', '75', '79', '80', '82', '86', '91', '92', '96',
    ]);
    expect(units.filter((u) => u.kind === 'CITY').map((u) => u.code)).toEqual(['01', '31', '46', '48', '79', '92']);
  });

  it('refuses a data file that gives one code or plate code to two units', () => {
    const file = JSON.parse(readFileSync(PROVINCE_UNITS_FILE, 'utf8')) as { units: { code: string; plateCodes: number[] }[] };
    expect(ZUnitsFile.safeParse(file).success).toBe(true);
    const twice = structuredClone(file);
    twice.units[1]!.code = '01';
    expect(ZUnitsFile.safeParse(twice).success).toBe(false);
    const plate = structuredClone(file);
    plate.units[1]!.plateCodes.push(29);
    expect(ZUnitsFile.safeParse(plate).error?.issues[0]?.message).toBe('plate code 29 belongs to both 01 and 04');
  });

  it('covers the 63 pre-merger provinces once each', () => {
    const former = units.flatMap((u) => u.formerProvinces);
    expect(former).toHaveLength(63);
    expect(new Set(former).size).toBe(63);
  });

  it('shares out every local plate code once (TT 51/2025 annex: each unit keeps its provinces\' codes; 80 is central)', () => {
    const plates = units.flatMap((u) => u.plateCodes);
    expect(new Set(plates).size).toBe(plates.length);
    const local = Array.from({ length: 89 }, (_, i) => i + 11).filter((c) => isProvinceCode(c) && c !== 80);
    expect([...plates].sort((a, b) => a - b)).toEqual(local);
    const of = (code: string) => units.find((u) => u.code === code)!.plateCodes;
    expect(of('01')).toEqual([29, 30, 31, 32, 33, 40]);
    expect(of('79')).toEqual([41, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 61, 72]);
    expect(of('75')).toEqual([39, 60, 93]);
    expect(of('31')).toEqual([15, 16, 34]);
    expect(of('24')).toEqual([98, 99]);
  });
});

describe('matching free text to a unit code', () => {
  it.each([
    ['TP.HCM', '79'], ['HCM', '79'], ['TP HCM', '79'], ['tphcm', '79'], ['TP. Hồ Chí Minh', '79'], ['Thành phố Hồ Chí Minh', '79'],
    ['ho chi minh', '79'], ['Sài Gòn', '79'], ['Bình Dương', '79'], ['Tỉnh Bà Rịa - Vũng Tàu', '79'], ['BR-VT', '79'],
    ['Hà Nội', '01'], ['HN', '01'], ['ha noi', '01'], ['TP. Hà Nội', '01'], ['Thành phố Hà Nội', '01'],
    ['Thừa Thiên Huế', '46'], ['Huế', '46'], ['Khánh Hoà', '56'], ['Đắk Nông', '68'], ['Quảng Nam', '48'], ['Long An', '80'],
    ['Bắc Giang', '24'], ['Yên Bái', '15'], ['Kiên Giang', '91'], ['  79 ', '79'], ['01', '01'],
  ])('%s → %s', (text, code) => {
    expect(matchProvince(text)).toBe(code);
  });

  it.each(['29', '00', 'Thủ Đức', 'Atlantis', '', 'ĐN', 'Tỉnh'])('%j names no unit', (text) => {
    expect(matchProvince(text)).toBeNull();
  });

  it('reads only the last part of an address (a trailing country or postcode skipped)', () => {
    expect(matchAddressTail('8 Đại lộ Bình Dương, phường Thủ Dầu Một, Bình Dương')).toBe('79');
    expect(matchAddressTail('1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội, Việt Nam')).toBe('01');
    expect(matchAddressTail('12 Lê Lợi, phường Sài Gòn, TP.HCM 700000')).toBe('79');
    expect(matchAddressTail('45 đường Hà Nội, phường Thủ Đức')).toBeNull();
    expect(matchAddressTail('số 5 ngõ 7, 29')).toBeNull();
  });

  it('takes the owner\'s province field first, else the address tail', () => {
    expect(ownerProvinceCode({ province: 'Bình Dương', address: 'x' })).toBe('79');
    expect(ownerProvinceCode({ province: 'không rõ', address: '21 Trần Hưng Đạo, phường Nam Định, Nam Định' })).toBe('37');
    expect(ownerProvinceCode({ province: 'không rõ', address: '21 Trần Hưng Đạo' })).toBeNull();
  });
});

describe('handling unit (Circular 73/2024/TT-BCA Art 24.1.b as amended by Circular 13/2025/TT-BCA)', () => {
  const base = { detectingUnit: 'Phòng CSGT Công an TP. Hồ Chí Minh', siteProvinceCode: '79', ownerUnitName: null, rule: null, communePoliceConnected: false };
  const helmet = { communeCompetent: true, fineMax: 600_000 };
  const owner = { address: '21 Trần Hưng Đạo, phường Nam Định', provinceCode: '37' };

  it('keeps a case whose owner lives in the detecting unit\'s province (by code: a Bình Dương owner is in TP. Hồ Chí Minh), or is unknown', () => {
    const binhDuong = { address: '8 Đại lộ Bình Dương, phường Thủ Dầu Một', provinceCode: ownerProvinceCode({ province: 'Bình Dương', address: '' }) };
    expect(handlingUnitFor({ ...base, owner: binhDuong })).toEqual({ kind: 'DETECTING_UNIT', name: base.detectingUnit, provinceCode: '79' });
    expect(handlingUnitFor({ ...base, owner: null })).toEqual({ kind: 'DETECTING_UNIT', name: base.detectingUnit, provinceCode: '79' });
  });

  it('routes no case whose owner address matches no unit, or whose site has none', () => {
    expect(handlingUnitFor({ ...base, owner: { address: 'x', provinceCode: null } })).toEqual({ kind: 'UNDETERMINED', reason: 'OWNER_ADDRESS_UNMATCHED' });
    expect(handlingUnitFor({ ...base, siteProvinceCode: null, owner })).toEqual({ kind: 'UNDETERMINED', reason: 'SITE_PROVINCE_UNMATCHED' });
  });

  it('sends a commune-level act to connected commune police, else to the provincial CSGT division', () => {
    const args = { ...base, owner, ownerUnitName: 'Tỉnh Ninh Bình', rule: helmet };
    expect(handlingUnitFor({ ...args, communePoliceConnected: true })).toEqual({
      kind: 'COMMUNE_POLICE',
      name: 'Công an cấp xã nơi cư trú của chủ xe (21 Trần Hưng Đạo, phường Nam Định, tỉnh Ninh Bình)',
      provinceCode: '37',
    });
    const provincial = { kind: 'PROVINCIAL_TRAFFIC_POLICE', name: 'Phòng Cảnh sát giao thông Công an tỉnh Ninh Bình', provinceCode: '37' };
    expect(handlingUnitFor({ ...args, communePoliceConnected: false })).toEqual(provincial);
    expect(handlingUnitFor({ ...args, rule: { communeCompetent: false, fineMax: 20_000_000 }, communePoliceConnected: true })).toEqual(provincial);
    expect(handlingUnitFor({ ...args, rule: { communeCompetent: true, fineMax: 3_000_000 }, communePoliceConnected: true })).toEqual(provincial);
  });
});

describe('routing in the fine stage and its settings', () => {
  let ctx: TTestContext;
  let services: TServices;
  let rules: RuleCache;
  let siteId: string;

  const admin = adminRunner(() => ({ db: ctx.db, services }));

  beforeAll(async () => {
    ctx = await createTestContext();
    services = testServices(ctx);
    await seedSite(ctx.db, { site: 'HCM-1', cameras: ['HCM-CAM'] });
    siteId = (await ctx.db.site.findUniqueOrThrow({ where: { code: 'HCM-1' } })).id;
    await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
    rules = new RuleCache(ctx.db, 0);
    await loadTestHolidays(ctx.db);
    const csv = [
      'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
      '61F-100.01,WHITE,CAR,Toyota,Vios,Trắng,PERSON,Phạm Văn Dũng,074085001111,"8 Đại lộ Bình Dương, phường Thủ Dầu Một",Bình Dương,,,2024-01-01,',
      '60B-100.02,WHITE,MOTORCYCLE,Honda,Wave,Đỏ,PERSON,Lê Thị Hoa,075190002222,"KCN Amata, phường Long Bình",Đồng Nai,,,2024-01-01,',
      '51F-100.03,WHITE,CAR,Kia,Morning,Xanh,PERSON,Ngô Văn Em,079085003333,"Số 5, ấp 3",không rõ,,,2024-01-01,',
    ].join('\n');
    expect((await importRegistryCsv(ctx.db, csv, 'test')).errors).toEqual([]);
  });
  afterAll(async () => {
    await services.close();
    await ctx.close();
  });

  const ownerId = async (idNumber: string) => (await ctx.db.owner.findFirstOrThrow({ where: { idNumber } })).id;
  const assessed = async (idNumber: string, violation: Violation, vehicleClass: VehicleClass, capturedAt = new Date('2025-08-01T02:00:00Z')) => {
    const c = await ctx.db.case.create({
      data: {
        plate: 'X', plateRaw: 'X', plateColor: 'WHITE', violation, vehicleClass, siteId, status: 'OWNER_RESOLVED',
        firstCapturedAt: capturedAt, lastCapturedAt: capturedAt, detectingUnit: 'Phòng CSGT Công an TP. Hồ Chí Minh', ownerId: await ownerId(idNumber),
      },
    });
    expect(await assessCase(ctx.db, rules, new CalendarCache(ctx.db), NO_ORG_MULTIPLIER, c.id)).toMatchObject({ kind: 'assessed' });
    return ctx.db.case.findUniqueOrThrow({ where: { id: c.id } });
  };

  it('stores owners and sites with unit codes resolved at import and at "site add"', async () => {
    expect((await ctx.db.owner.findMany({ orderBy: { idNumber: 'asc' }, select: { idNumber: true, provinceCode: true } }))).toEqual([
      { idNumber: '074085001111', provinceCode: '79' },
      { idNumber: '075190002222', provinceCode: '75' },
      { idNumber: '079085003333', provinceCode: null },
    ]);
    expect(await ctx.db.site.findUniqueOrThrow({ where: { id: siteId } })).toMatchObject({ provinceCode: '79', province: 'Thành phố Hồ Chí Minh' });
    expect(await admin('site', 'add', '--code', 'X', '--name', 'x', '--address', 'x', '--province', 'Atlantis')).toMatchObject({
      code: 1,
      stderr: 'error: province "Atlantis" names no province or centrally-run city; give its code or name (see "units list")\n',
    });
  });

  it('keeps at the detecting unit a case captured before the merger whose owner lives in former Bình Dương (today\'s units apply)', async () => {
    const c = await assessed('074085001111', 'RED_LIGHT', 'CAR', new Date('2025-06-15T02:00:00Z'));
    expect(c).toMatchObject({ handlingUnitKind: 'DETECTING_UNIT', handlingProvinceCode: '79', flags: [] });
  });

  it('flags an owner address that matches no unit and leaves the handling unit to an officer', async () => {
    const c = await assessed('079085003333', 'RED_LIGHT', 'CAR');
    expect(c).toMatchObject({ flags: ['OWNER_ADDRESS_UNMATCHED'], handlingUnitKind: null, handlingUnit: null, handlingProvinceCode: null, status: 'PENDING_REVIEW' });
    expect(c.fineAmount).not.toBeNull();

    // The address corrected in the registry, the case goes back through the look-up.
    expect(await admin('cases', 'reresolve', '--flag', 'OWNER_ADDRESS_UNMATCHED')).toMatchObject({ code: 0 });
    expect(await ctx.db.case.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: 'DETECTED', flags: [], ownerId: null });
  });

  it('routes a commune-level act by the commune-police setting of the owner\'s unit, set and listed by admins (audited)', async () => {
    expect(await assessed('075190002222', 'NO_HELMET', 'MOTORCYCLE')).toMatchObject({
      handlingUnitKind: 'PROVINCIAL_TRAFFIC_POLICE',
      handlingUnit: 'Phòng Cảnh sát giao thông Công an tỉnh Đồng Nai',
      handlingProvinceCode: '75',
    });

    expect(await admin('units', 'commune-police', 'set', 'Đồng Nai', 'connected', '--reason', 'công văn kết nối'))
      .toMatchObject({ code: 0, stdout: '75 Tỉnh Đồng Nai: commune police connected\n' });
    expect((await admin('units', 'commune-police', 'list')).stdout).toMatch(/\n75\tTỉnh Đồng Nai\tconnected\t\d{4}-/);
    const audit = await ctx.db.auditEntry.findFirstOrThrow({ where: { entityType: 'commune_police_connection', entityId: '75' } });
    expect(audit).toMatchObject({ actor: 'admin-cli:test', fromState: 'NOT_CONNECTED', toState: 'CONNECTED', reason: 'công văn kết nối' });

    expect(await assessed('075190002222', 'NO_HELMET', 'MOTORCYCLE')).toMatchObject({
      handlingUnitKind: 'COMMUNE_POLICE',
      handlingUnit: 'Công an cấp xã nơi cư trú của chủ xe (KCN Amata, phường Long Bình, tỉnh Đồng Nai)',
      handlingProvinceCode: '75',
    });
    expect(await assessed('075190002222', 'RED_LIGHT', 'MOTORCYCLE')).toMatchObject({ handlingUnitKind: 'PROVINCIAL_TRAFFIC_POLICE' });
    expect(await admin('units', 'commune-police', 'set', 'Atlantis', 'connected', '--reason', 'x')).toMatchObject({ code: 1 });
  });

  it('backfills codes of rows stored before them, and lets an admin set an unmatched site', async () => {
    const legacy = await ctx.db.site.create({ data: { code: 'OLD', name: 'old', address: 'Quốc lộ 13', province: 'Tỉnh Bình Dương' } });
    await ctx.db.site.create({ data: { code: 'ODD', name: 'odd', address: 'Km 12', province: 'khu vực phía Nam' } });
    await ctx.db.owner.create({ data: { ownerType: 'PERSON', name: 'Cũ', idNumber: '001099000001', address: '1 Tràng Tiền, Hà Nội', province: '' } });
    expect((await admin('units', 'backfill')).stdout).toBe(
      'sites: 1 matched, 1 unmatched (ODD: use "site set-province")\nowners: 1 matched, 1 unmatched (their cases are flagged OWNER_ADDRESS_UNMATCHED)\n',
    );
    expect((await ctx.db.site.findUniqueOrThrow({ where: { id: legacy.id } })).provinceCode).toBe('79');
    expect((await ctx.db.owner.findFirstOrThrow({ where: { idNumber: '001099000001' } })).provinceCode).toBe('01');
    expect(await admin('site', 'set-province', 'ODD', 'TP.HCM')).toMatchObject({ code: 0, stdout: 'site ODD is in 79 Thành phố Hồ Chí Minh\n' });
  });

  it('refuses a bare number that is one unit\'s code and another\'s plate code on every province argument, naming both; takes a number that is only a unit code', async () => {
    // 51: unit code of Quảng Ngãi (Decision 19/2025/QĐ-TTg), plate code of TP. Hồ Chí Minh (Circular 51/2025/TT-BCA annex).
    const ambiguous = 'error: province "51" is the unit code of Tỉnh Quảng Ngãi and a plate code of Thành phố Hồ Chí Minh: give the name of the province or city meant\n';
    expect(await admin('site', 'set-province', 'ODD', '51')).toMatchObject({ code: 1, stdout: '', stderr: ambiguous });
    expect(await admin('site', 'add', '--code', 'Y', '--name', 'y', '--address', 'y', '--province', ' 51 ')).toMatchObject({ code: 1, stderr: ambiguous });
    expect(await admin('units', 'commune-police', 'set', '51', 'connected', '--reason', 'x')).toMatchObject({ code: 1, stderr: ambiguous });
    expect(await admin('site', 'set-province', 'ODD', '79')).toMatchObject({
      code: 1,
      stderr: 'error: province "79" is the unit code of Thành phố Hồ Chí Minh and a plate code of Tỉnh Khánh Hòa: give the name of the province or city meant\n',
    });
    expect((await ctx.db.site.findUniqueOrThrow({ where: { code: 'ODD' } })).provinceCode).toBe('79');
    expect(await ctx.db.site.findUnique({ where: { code: 'Y' } })).toBeNull();
    expect(await ctx.db.communePoliceConnection.findUnique({ where: { provinceCode: '51' } })).toBeNull();

    // 01 (Hà Nội) is no plate code (plate codes run 11–99): taken, and the name printed.
    expect(await admin('site', 'set-province', 'ODD', '01')).toMatchObject({ code: 0, stdout: 'site ODD is in 01 Thành phố Hà Nội\n' });
    expect(await admin('units', 'commune-police', 'set', '01', 'connected', '--reason', 'x')).toMatchObject({ code: 0, stdout: '01 Thành phố Hà Nội: commune police connected\n' });
    expect(await admin('site', 'set-province', 'ODD', 'Quảng Ngãi')).toMatchObject({ code: 0, stdout: 'site ODD is in 51 Tỉnh Quảng Ngãi\n' });
  });
});
