import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseRegistry, importRegistryCsv } from '../src/registry/index.ts';
import { createTestContext, type TTestContext } from './support/context.ts';

let ctx: TTestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

const HEADER = 'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to';
const FILE = [
  HEADER,
  '51F-123.45,WHITE,CAR,Toyota,Vios,Trắng,PERSON,Nguyễn Văn An,079085001234,"12 Lê Thánh Tôn, phường Sài Gòn",TP. Hồ Chí Minh,an@example.vn,0903123456,2021-03-15,2025-07-01',
  '51F-123.45,WHITE,CAR,Toyota,Vios,Trắng,PERSON,Trần Thị Bình,079190004321,"45 Võ Văn Tần",TP. Hồ Chí Minh,,0912345678,2025-07-01,',
  '51F-123.45,YELLOW,TRUCK,Isuzu,QKR,Trắng,ORGANISATION,Công ty Vận tải Sài Gòn,0301234567,"1 Nguyễn Tất Thành",TP. Hồ Chí Minh,vt@example.vn,,2023-01-01,',
  '29-HA 002.33,WHITE,MOTORCYCLE,Yamaha,Exciter,Xanh,PERSON,Phạm Minh Đức,036092001111,"21 Trần Hưng Đạo",Ninh Bình,,,2024-02-20,',
].join('\n');

describe('registry import', () => {
  it('imports owners and registrations, and importing the same file again changes nothing', async () => {
    const first = await importRegistryCsv(ctx.db, FILE, 'test');
    expect(first.errors).toEqual([]);
    expect(first.owners).toEqual({ created: 4, updated: 0, unchanged: 0 });
    expect(first.registrations).toEqual({ created: 4, updated: 0, unchanged: 0 });
    const before = await ctx.db.registration.findMany({ orderBy: { id: 'asc' } });

    const again = await importRegistryCsv(ctx.db, FILE, 'test');
    expect(again.owners).toEqual({ created: 0, updated: 0, unchanged: 4 });
    expect(again.registrations).toEqual({ created: 0, updated: 0, unchanged: 4 });
    expect(await ctx.db.registration.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(await ctx.db.auditEntry.count({ where: { action: 'registry.import' } })).toBe(1);
  });

  it('reports every bad row with its line number and imports nothing', async () => {
    const bad = [
      HEADER,
      '30A-111.11,WHITE,CAR,Kia,Morning,Đỏ,PERSON,Ngô Văn Em,001099000111,"3 Hàng Bài",TP. Hà Nội,,,2024-01-01,',
      '13A-123.45,WHITE,CAR,Kia,Morning,Đỏ,PERSON,Ngô Văn Em,001099000111,"3 Hàng Bài",TP. Hà Nội,,,2024-01-01,',
      '30A-222.22,PINK,CAR,Kia,Morning,Đỏ,ROBOT,Ngô Văn Em,001099000111,"3 Hàng Bài",TP. Hà Nội,not-an-email,,2024-13-01,',
      '29-HA 111.11,WHITE,CAR,Honda,Vision,Đen,PERSON,Ngô Văn Em,001099000111,"3 Hàng Bài",TP. Hà Nội,,,2024-01-01,2023-01-01',
    ].join('\n');
    const report = await importRegistryCsv(ctx.db, bad, 'test');
    expect(report.errors).toEqual(
      expect.arrayContaining([
        'line 3: plate: 13 is not a province code in use',
        expect.stringMatching(/^line 4: plate_color: /),
        expect.stringMatching(/^line 4: owner_type: /),
        expect.stringMatching(/^line 4: email: /),
        expect.stringMatching(/^line 4: valid_from: not a date/),
        expect.stringMatching(/^line 5: vehicle_class: a MOTORBIKE_TWO_LETTER plate is not fitted to a CAR/),
        'line 5: valid_to: must be after valid_from',
      ]),
    );
    expect(await ctx.db.registration.count({ where: { plate: '30A11111' } })).toBe(0);
  });

  it('refuses a file whose periods overlap a stored registration of the same plate', async () => {
    const overlapping = [HEADER, '51F-123.45,WHITE,CAR,Kia,K3,Đen,PERSON,Lý Văn Phúc,079000999888,"9 Pasteur",TP. Hồ Chí Minh,,,2025-01-01,'].join('\n');
    const report = await importRegistryCsv(ctx.db, overlapping, 'test');
    expect(report.errors).toEqual(['line 2: plate 51F12345 (WHITE): its validity periods overlap another registration of the same plate']);
    expect(await ctx.db.owner.count({ where: { idNumber: '079000999888' } })).toBe(0);
  });

  it('updates a corrected row and counts it, leaving the rest alone', async () => {
    const corrected = FILE.replace('Toyota,Vios,Trắng,PERSON,Trần Thị Bình', 'Toyota,Vios Cross,Trắng,PERSON,Trần Thị Bình');
    const report = await importRegistryCsv(ctx.db, corrected, 'test');
    expect(report.registrations).toEqual({ created: 0, updated: 1, unchanged: 3 });
    expect(report.owners).toEqual({ created: 0, updated: 0, unchanged: 4 });
    expect(await importRegistryCsv(ctx.db, FILE, 'test')).toMatchObject({ registrations: { created: 0, updated: 1, unchanged: 3 } });
  });

  it('refuses one owner given two different sets of details', async () => {
    const twice = [
      HEADER,
      '30A-333.33,WHITE,CAR,Kia,K3,Đen,PERSON,Hồ Văn Giang,001099000999,"1 Hàng Gai",TP. Hà Nội,,,2024-01-01,',
      '30A-444.44,WHITE,CAR,Kia,K5,Đen,PERSON,Hồ Văn Giang,001099000999,"9 Hàng Bông",TP. Hà Nội,,,2024-01-01,',
    ].join('\n');
    const report = await importRegistryCsv(ctx.db, twice, 'test');
    expect(report.errors).toEqual(['line 3: owner PERSON 001099000999 has other details than on line 2']);
    expect(await ctx.db.owner.count({ where: { idNumber: '001099000999' } })).toBe(0);
  });

  it('names a missing column', async () => {
    const report = await importRegistryCsv(ctx.db, 'plate,plate_color\n51F-123.45,WHITE', 'test');
    expect(report.errors[0]).toMatch(/^line 1: missing column\(s\): vehicle_class, make/);
  });
});

describe('DatabaseRegistry', () => {
  const registry = () => new DatabaseRegistry(ctx.db);

  it('finds the owner as of the capture time, not the current one', async () => {
    const before = await registry().lookup({ plate: '51F12345', plateColor: 'WHITE', at: new Date('2025-06-30T10:00:00+07:00') });
    const after = await registry().lookup({ plate: '51F12345', plateColor: 'WHITE', at: new Date('2025-07-01T00:00:00+07:00') });
    expect(before?.owner.name).toBe('Nguyễn Văn An');
    expect(after?.owner.name).toBe('Trần Thị Bình');
  });

  it('tells plates of the same number apart by colour', async () => {
    const yellow = await registry().lookup({ plate: '51F12345', plateColor: 'YELLOW', at: new Date('2026-01-01') });
    expect(yellow).toMatchObject({ vehicleClass: 'TRUCK', owner: { ownerType: 'ORGANISATION', name: 'Công ty Vận tải Sài Gòn' } });
  });

  it('answers null for a plate not registered at that time', async () => {
    expect(await registry().lookup({ plate: '51F12345', plateColor: 'WHITE', at: new Date('2020-01-01') })).toBeNull();
    expect(await registry().lookup({ plate: '99Z99999', plateColor: 'WHITE', at: new Date() })).toBeNull();
  });
});
