import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  CalendarCache,
  decisionDue,
  endOfDay,
  HOLIDAY_FILES_DIR,
  isPastLimitation,
  lateCharge,
  limitationEnds,
  noticeDue,
  ownerResponseDue,
  paymentDue,
  PERIODS,
  readHolidayFile,
  startOfDay,
  vietnamDate,
  WorkCalendar,
  type TDeadline,
} from '../src/clock/index.ts';
import type { TServices } from '../src/compose.ts';
import { createTestContext, testServices, type TTestContext } from './support/context.ts';
import { adminRunner } from './support/admin.ts';

/** The checked-in years (2025 and 2026 announced, 2027 provisional), as the stages would load them. */
const YEARS = readdirSync(HOLIDAY_FILES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => readHolidayFile(join(HOLIDAY_FILES_DIR, f)));
const cal = new WorkCalendar(YEARS);

/** An instant given as Vietnam wall time, `YYYY-MM-DDTHH:mm`. */
const vn = (wall: string): Date => new Date(`${wall}:00+07:00`);

const DEADLINES = {
  noticeDue: (t: Date) => noticeDue(t, cal),
  ownerResponse: (t: Date) => ownerResponseDue(t, cal),
  decision: (t: Date) => decisionDue(t, cal),
  payment: (t: Date) => paymentDue(t, cal),
  limitation: (t: Date) => limitationEnds(t),
} satisfies Record<string, (t: Date) => TDeadline>;

/** Instants from 2025 to late 2027, and around them, by the millisecond. */
const instant = fc.date({ min: new Date('2024-12-01T00:00:00Z'), max: new Date('2027-12-20T00:00:00Z'), noInvalidDate: true });

describe('Vietnam days (UTC+7, no DST)', () => {
  it('changes day at 17:00 UTC, and a day ends at 23:59:59.999 Vietnam time', () => {
    expect(vietnamDate(new Date('2024-12-31T16:59:59.999Z'))).toBe('2024-12-31');
    expect(vietnamDate(new Date('2024-12-31T17:00:00.000Z'))).toBe('2025-01-01');
    expect(endOfDay('2026-02-23').toISOString()).toBe('2026-02-23T16:59:59.999Z');
    expect(startOfDay('2026-02-23').toISOString()).toBe('2026-02-22T17:00:00.000Z');
  });

  it('round-trips every day: its start and end lie in it, and the next day starts 1 ms after it ends', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const d = vietnamDate(t);
        expect(vietnamDate(startOfDay(d))).toBe(d);
        expect(vietnamDate(endOfDay(d))).toBe(d);
        expect(startOfDay(addDays(d, 1)).getTime()).toBe(endOfDay(d).getTime() + 1);
        expect(startOfDay(d).getTime() <= t.getTime() && t.getTime() <= endOfDay(d).getTime()).toBe(true);
      }),
    );
  });
});

describe('hand-checked deadlines (Tết 2026 and 2027, year ends, 29 February, midnight)', () => {
  type TRow = [what: string, deadline: TDeadline, lastDay: string, movedFrom: string | null, unconfirmed: number[]];
  const rows: TRow[] = [
    // Notice: 10 days from the capture, moved off weekends and holidays.
    ['notice, nominal Sun 15/2/2026 → after Tết (16–20/2 off) → Mon 23/2', noticeDue(vn('2026-02-05T10:00'), cal), '2026-02-23', '2026-02-15', []],
    ['notice, nominal Fri 20/2/2026 (mùng 4 Tết) → Mon 23/2', noticeDue(vn('2026-02-10T08:00'), cal), '2026-02-23', '2026-02-20', []],
    ['notice, capture 23:59:59.999 Fri 13/2/2026 → Mon 23/2, a working day', noticeDue(new Date('2026-02-13T16:59:59.999Z'), cal), '2026-02-23', null, []],
    ['notice, capture 00:00 Sat 14/2/2026 (17:00 UTC the day before) → Tue 24/2', noticeDue(new Date('2026-02-13T17:00:00.000Z'), cal), '2026-02-24', null, []],
    ['notice, nominal 1/1/2026 → 2/1 swapped off, weekend → Mon 5/1', noticeDue(vn('2025-12-22T09:00'), cal), '2026-01-05', '2026-01-01', []],
    ['notice, nominal Sat 10/1/2026, a make-up working day: not moved', noticeDue(vn('2025-12-31T15:00'), cal), '2026-01-10', null, []],
    ['notice, nominal Mon 31/8/2026 (swapped off) → 1–2/9 Quốc khánh → Thu 3/9', noticeDue(vn('2026-08-21T11:00'), cal), '2026-09-03', '2026-08-31', []],
    ['notice, nominal Sat 22/8/2026, a make-up working day: not moved', noticeDue(vn('2026-08-12T11:00'), cal), '2026-08-22', null, []],
    ['notice, nominal Sun 7/2/2027 → Tết Đinh Mùi (provisional) → Fri 12/2', noticeDue(vn('2027-01-28T10:00'), cal), '2027-02-12', '2027-02-07', [2027]],
    ['notice, nominal Thu 11/2/2027 (provisional compensatory day) → Fri 12/2', noticeDue(vn('2027-02-01T10:00'), cal), '2027-02-12', '2027-02-11', [2027]],
    ['notice, nominal Tue 4/1/2028: no 2028 calendar, weekends only, flagged', noticeDue(vn('2027-12-25T10:00'), cal), '2028-01-04', null, [2028]],
    ['notice, across 29/2/2028: nominal Wed 1/3/2028', noticeDue(vn('2028-02-20T10:00'), cal), '2028-03-01', null, [2028]],
    // Owner response: 20 days from the notice being sent.
    ['owner, nominal Mon 16/2/2026 (Tết) → Mon 23/2', ownerResponseDue(vn('2026-01-27T14:00'), cal), '2026-02-23', '2026-02-16', []],
    ['owner, nominal Fri 1/1/2027 → weekend → Mon 4/1/2027', ownerResponseDue(vn('2026-12-12T09:00'), cal), '2027-01-04', '2027-01-01', [2027]],
    // Decision: 7 working days after the record.
    ['decision, record Wed 11/2/2026: 12, 13, 23, 24, 25, 26, 27/2', decisionDue(vn('2026-02-11T16:00'), cal), '2026-02-27', null, []],
    ['decision, record Mon 29/12/2025: 30, 31/12, 5, 6, 7, 8, 9/1', decisionDue(vn('2025-12-29T16:00'), cal), '2026-01-09', null, []],
    ['decision, record Tue 6/1/2026 counts make-up Sat 10/1: 7, 8, 9, 10, 12, 13, 14/1', decisionDue(vn('2026-01-06T16:00'), cal), '2026-01-14', null, []],
    ['decision, record Tue 25/8/2026: 26, 27, 28/8, 3, 4, 7, 8/9', decisionDue(vn('2026-08-25T16:00'), cal), '2026-09-08', null, []],
    // Payment: 10 days from receiving the decision.
    ['payment, nominal Mon 27/4/2026 (Giỗ Tổ compensatory day) → Tue 28/4', paymentDue(vn('2026-04-17T10:00'), cal), '2026-04-28', '2026-04-27', []],
    ['payment, nominal Thu 30/4/2026 → 1/5, weekend → Mon 4/5', paymentDue(vn('2026-04-20T10:00'), cal), '2026-05-04', '2026-04-30', []],
    // Limitation: 1 year, to the end of the same day and month, never moved.
    ['limitation, 15/3/2026 → 15/3/2027', limitationEnds(vn('2026-03-15T10:00')), '2027-03-15', null, []],
    ['limitation, Sat 14/3/2026 → Sun 14/3/2027, not moved off the weekend', limitationEnds(vn('2026-03-14T10:00')), '2027-03-14', null, []],
    ['limitation, 00:00 1/1/2026 (17:00 UTC 31/12) → 1/1/2027', limitationEnds(new Date('2025-12-31T17:00:00Z')), '2027-01-01', null, []],
    ['limitation, 23:59 31/12/2025 → 31/12/2026', limitationEnds(new Date('2025-12-31T16:59:00Z')), '2026-12-31', null, []],
    ['limitation, 29/2/2028 → 28/2/2029', limitationEnds(vn('2028-02-29T12:00')), '2029-02-28', null, []],
    ['limitation, 00:30 29/2/2028 (28/2 UTC) → 28/2/2029', limitationEnds(new Date('2028-02-28T17:30:00Z')), '2029-02-28', null, []],
    ['limitation, 28/2/2027 → 29/2/2028? no: 28/2/2028', limitationEnds(vn('2027-02-28T12:00')), '2028-02-28', null, []],
  ];
  it.each(rows)('%s', (_what, d, lastDay, movedFrom, unconfirmed) => {
    expect({ lastDay: d.lastDay, movedFrom: d.movedFrom, unconfirmed: d.unconfirmedYears }).toEqual({ lastDay, movedFrom, unconfirmed });
    expect(d.at).toEqual(endOfDay(lastDay));
    expect(d.basis).toBe(PERIODS[d.period].basis);
    expect(d.countingBasis).toBe(PERIODS[d.period].counting);
  });

  it('prints the provision of each period', () => {
    expect(noticeDue(vn('2026-03-02T10:00'), cal).basis).toBe('khoản 1 Điều 24 Thông tư 73/2024/TT-BCA');
    expect(ownerResponseDue(vn('2026-03-02T10:00'), cal).basis).toBe('khoản 5 Điều 24 Thông tư 73/2024/TT-BCA');
    expect(limitationEnds(vn('2026-03-02T10:00')).basis).toBe('khoản 1, khoản 2 và điểm b khoản 3 Điều 4 Nghị định 168/2024/NĐ-CP');
    expect(decisionDue(vn('2026-03-02T10:00'), cal).basis).toBe('khoản 1 Điều 66 Luật Xử lý vi phạm hành chính');
    expect(paymentDue(vn('2026-03-02T10:00'), cal).basis).toBe('khoản 1 Điều 73 Luật Xử lý vi phạm hành chính');
  });
});

describe('limitation at ingest', () => {
  it('is past only after the end of the last day (Vietnam time), not at the same instant a year later', () => {
    const captured = vn('2025-12-01T09:00');
    expect(isPastLimitation(captured, new Date('2026-12-01T02:00:00.001Z'))).toBe(false);
    expect(isPastLimitation(captured, new Date('2026-12-01T16:59:59.999Z'))).toBe(false);
    expect(isPastLimitation(captured, new Date('2026-12-01T17:00:00.000Z'))).toBe(true);
  });
});

describe('late payment charge (0.05 % a day, holidays included, from the day after the deadline)', () => {
  const due = paymentDue(vn('2026-04-20T10:00'), cal); // last day Mon 4/5/2026
  it('charges nothing when paid on the deadline or the day after, then each day up to the day before payment', () => {
    expect(lateCharge(1_000_000, due, vn('2026-05-04T23:00'))).toMatchObject({ days: 0, amount: 0 });
    expect(lateCharge(1_000_000, due, vn('2026-05-05T08:00'))).toMatchObject({ days: 0, amount: 0 });
    expect(lateCharge(1_000_000, due, vn('2026-05-15T08:00'))).toMatchObject({ days: 10, amount: 5_000 });
  });
  it('counts weekends and holidays: 29/8–3/9/2026 is 6 days', () => {
    const fri = { ...due, lastDay: '2026-08-28' };
    expect(lateCharge(19_000_000, fri, vn('2026-09-04T09:00'))).toEqual({ days: 6, amount: 57_000, basis: 'khoản 1 Điều 78 Luật Xử lý vi phạm hành chính; Thông tư 18/2023/TT-BTC' });
  });
  it('is whole VND, rounded down, and grows with the days late', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000_000 }), instant, instant, (unpaid, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const x = lateCharge(unpaid, due, early);
        const y = lateCharge(unpaid, due, late);
        expect(Number.isInteger(x.amount) && x.amount >= 0).toBe(true);
        expect(x.days <= y.days && x.amount <= y.amount).toBe(true);
        expect(x.amount).toBe(Math.floor((unpaid * x.days) / 2000));
      }),
    );
  });
});

describe('properties over any instant', () => {
  it('a deadline that moves never ends on a non-working day, and moves to the first working day', () => {
    for (const name of ['noticeDue', 'ownerResponse', 'decision', 'payment'] as const) {
      fc.assert(
        fc.property(instant, (t) => {
          const d = DEADLINES[name](t);
          expect(cal.isWorkingDay(d.lastDay)).toBe(true);
          if (d.movedFrom) {
            for (let day = d.movedFrom; day < d.lastDay; day = addDays(day, 1)) expect(cal.isWorkingDay(day)).toBe(false);
          }
        }),
      );
    }
  });

  it('every deadline is monotonic in its start time and ends at the end of a Vietnam day', () => {
    for (const [name, deadline] of Object.entries(DEADLINES)) {
      fc.assert(
        fc.property(instant, instant, (a, b) => {
          const [early, late] = a <= b ? [a, b] : [b, a];
          expect(deadline(early).at.getTime(), name).toBeLessThanOrEqual(deadline(late).at.getTime());
          expect(deadline(early).at).toEqual(endOfDay(deadline(early).lastDay));
        }),
      );
    }
  });

  it('a period in days is never shorter than its length, counted from the day after the event', () => {
    for (const name of ['noticeDue', 'ownerResponse', 'payment'] as const) {
      fc.assert(
        fc.property(instant, (t) => {
          const d = DEADLINES[name](t);
          const nominal = addDays(vietnamDate(t), PERIODS[name].length);
          expect(d.lastDay >= nominal).toBe(true);
          expect(d.movedFrom === null ? d.lastDay === nominal : d.movedFrom === nominal).toBe(true);
        }),
      );
    }
  });

  it('the limitation ends on the same day and month a year later, never moved', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const d = limitationEnds(t);
        const start = vietnamDate(t);
        expect(d.movedFrom).toBeNull();
        expect(d.lastDay.slice(0, 4)).toBe(String(Number(start.slice(0, 4)) + 1));
        expect(d.lastDay.slice(5)).toBe(start.slice(5) === '02-29' ? '02-28' : start.slice(5));
        expect(isPastLimitation(t, d.at)).toBe(false);
        expect(isPastLimitation(t, new Date(d.at.getTime() + 1))).toBe(true);
      }),
    );
  });

  it('flags exactly the deadlines that rely on a missing or provisional year', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const d = noticeDue(t, cal);
        const years = new Set([Number(d.lastDay.slice(0, 4)), Number((d.movedFrom ?? d.lastDay).slice(0, 4))]);
        expect(d.unconfirmedYears).toEqual([...years].filter((y) => y < 2025 || y > 2026).sort());
      }),
    );
  });
});

describe('holiday files', () => {
  it('cover 2025–2027 with Tết, each day off on a weekday and each make-up day on a weekend', () => {
    expect(YEARS.map((y) => [y.year, y.status])).toEqual([
      [2025, 'announced'],
      [2026, 'announced'],
      [2027, 'provisional'],
    ]);
    expect(cal.isWorkingDay('2025-01-29')).toBe(false); // mùng 1 Tết Ất Tỵ
    expect(cal.isWorkingDay('2026-02-17')).toBe(false); // mùng 1 Tết Bính Ngọ
    expect(cal.isWorkingDay('2026-01-10')).toBe(true); // Saturday worked for Friday 2/1
    expect(cal.isWorkingDay('2025-04-26')).toBe(true); // Saturday worked for Friday 2/5
    expect(cal.knowledgeOf(2028)).toBe('missing');
  });
});

describe('admin holidays load / list', () => {
  let ctx: TTestContext;
  let services: TServices;
  const dir = mkdtempSync(join(tmpdir(), 'pn-holidays-'));
  beforeAll(async () => {
    ctx = await createTestContext();
    services = testServices(ctx);
  });
  afterAll(async () => {
    await services.close();
    await ctx.close();
  });
  const admin = adminRunner(() => ({ db: ctx.db, services }));
  const file2027 = join(HOLIDAY_FILES_DIR, 'vn-2027.json');

  it('shows a year before storing it, stores it with --apply (audited), and the stages read it', async () => {
    const dry = await admin('holidays', 'load', file2027);
    expect(dry.stdout).toContain('+ 2027-02-10 off: Nghỉ bù mùng 1 Tết (thứ Bảy 06/02; dự kiến)');
    expect(dry.stdout).toContain('dry run: nothing written');
    expect(await ctx.db.holidayYear.count()).toBe(0);

    expect((await admin('holidays', 'load', file2027, '--apply')).stdout).toContain('loaded 2027: 11 day(s) off, 0 make-up working day(s)');
    expect((await admin('holidays', 'load', file2027, '--apply')).stdout).toContain('2027 (provisional): already loaded as is');
    expect(await ctx.db.auditEntry.count({ where: { entityType: 'holiday_year', entityId: '2027' } })).toBe(1);
    const read = await new CalendarCache(ctx.db).get();
    expect(read.knowledgeOf(2027)).toBe('provisional');
    expect(read.isWorkingDay('2027-02-11')).toBe(false);
  });

  it('replaces a year when the official schedule arrives, showing what changes', async () => {
    const announced = { ...JSON.parse(readFileSync(file2027, 'utf8')), status: 'announced' };
    announced.daysOff = announced.daysOff.filter((d: { date: string }) => d.date !== '2027-09-03');
    announced.daysOff.push({ date: '2027-09-01', name: 'Quốc khánh (ngày liền kề)', basis: 'test' });
    const path = join(dir, 'vn-2027.json');
    writeFileSync(path, JSON.stringify(announced));
    const out = (await admin('holidays', 'load', path, '--apply')).stdout;
    expect(out).toContain('- status: provisional');
    expect(out).toContain('+ status: announced');
    expect(out).toContain('- 2027-09-03 off: Quốc khánh (ngày liền kề; dự kiến)');
    expect(out).toContain('+ 2027-09-01 off: Quốc khánh (ngày liền kề)');
    expect((await new CalendarCache(ctx.db).get()).knowledgeOf(2027)).toBe('announced');
  });

  it('refuses a file that fails its schema, naming the field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(file2027, 'utf8')), workingDays: [{ date: '2027-03-03', name: 'x', basis: 'y' }] }));
    expect(await admin('holidays', 'load', bad)).toMatchObject({ code: 1, stderr: `error: ${bad}: workingDays.0.date: a make-up working day must be a Saturday or Sunday\n` });
  });

  it('lists the loaded years and warns about this year or the next when missing', async () => {
    const res = await admin('holidays', 'list');
    expect(res.stdout).toBe('year\tstatus\tdays_off\tworking_days\n2027\tannounced\t11\t0\n');
    expect(res.stderr).toMatch(/warning: no calendar loaded for \d{4}/);
  });
});
