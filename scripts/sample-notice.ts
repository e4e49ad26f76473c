// A complete notice document for the tests, the benchmark and the README's picture of page 1:
// a car that ran a red light in HCMC, one evidence JPEG, issued 1 December 2026.
import { endOfDay, PERIODS } from '../src/clock/index.ts';
import type { TNoticeDocument } from '../src/notices/notice-document.ts';
import { sampleJpeg } from './sample-images.ts';

let evidence: Buffer | undefined;

export const sampleNoticeDocument = (overrides: Partial<TNoticeDocument> = {}): TNoticeDocument => ({
  language: 'vi',
  number: '000123/TB-PC08',
  issuer: { parentName: 'CÔNG AN THÀNH PHỐ HỒ CHÍ MINH', name: 'PHÒNG CẢNH SÁT GIAO THÔNG', place: 'TP. Hồ Chí Minh' },
  issuedOn: '2026-12-01',
  owner: { kind: 'PERSON', name: 'Nguyễn Thị Hồng Nhung', address: '123 Nguyễn Đình Chiểu, phường Xuân Hòa, TP. Hồ Chí Minh' },
  vehicle: { plate: '51K-678.90', plateColor: 'WHITE', vehicleClass: 'CAR', make: 'Toyota', model: 'Vios 1.5G', color: 'Trắng' },
  act: {
    capturedAt: new Date('2026-11-28T01:15:42Z'),
    place: 'Nút giao Điện Biên Phủ - Cách Mạng Tháng Tám, phường Bàn Cờ, TP. Hồ Chí Minh',
    violation: 'RED_LIGHT',
    legalBasis: 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
    fineMin: 18_000_000,
    fineMax: 20_000_000,
    amount: 19_000_000,
    points: 4,
    speed: null,
  },
  detectingUnit: 'Phòng Cảnh sát giao thông Công an TP. Hồ Chí Minh',
  handlingUnit: { name: 'Phòng Cảnh sát giao thông Công an TP. Hồ Chí Minh', address: '459 Trần Hưng Đạo, phường Cầu Ông Lãnh, TP. Hồ Chí Minh', phone: '069 3187 551' },
  responseDue: {
    period: 'ownerResponse',
    lastDay: '2026-12-21',
    at: endOfDay('2026-12-21'),
    movedFrom: null,
    basis: PERIODS.ownerResponse.basis,
    countingBasis: PERIODS.ownerResponse.counting,
    unconfirmedYears: [],
  },
  evidence: overrides.evidence ?? [{ contentType: 'image/jpeg', bytes: (evidence ??= sampleJpeg(640, 480, 7)) }],
  access: { shortUrl: 'https://tb.csgt.example.vn/n/7KQ2-M9XD', code: '482 913', qrUrl: 'https://tb.csgt.example.vn/n/7KQ2-M9XD?c=482913' },
  ...overrides,
});
