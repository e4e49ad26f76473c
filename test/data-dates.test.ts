import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZCalendarDate } from '../src/clock/index.ts';
import { AMENDMENTS_DIR, readAmendmentFile, readRuleTable, RULE_TABLES_DIR } from '../src/fines/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'pn-dates-'));
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const written = (name: string, data: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(data));
  return path;
};

describe('dates in data files exist in the calendar (one schema for holidays, fine rules and amendments)', () => {
  it.each([
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-04-31', false],
    ['2026-1-5', false],
  ])('%s: %s', (date, ok) => {
    expect(ZCalendarDate.safeParse(date).success).toBe(ok);
  });

  it('refuses a rule table with a rule dated 2026-02-30 instead of storing 2 March', () => {
    const table = { ...json(join(RULE_TABLES_DIR, 'decree-168-2024.json')), withdraws: [] };
    const row = { ...table.rules[0], effectiveFrom: undefined, effectiveTo: undefined };
    expect(readRuleTable(written('ok.json', { ...table, rules: [{ ...row, effectiveFrom: '2026-02-28' }] })).rules[0]?.effectiveFrom).toBe('2026-02-28');
    expect(() => readRuleTable(written('rule.json', { ...table, rules: [{ ...row, effectiveFrom: '2026-02-30' }] }))).toThrow(/not a calendar date/);
    expect(() => readRuleTable(written('file.json', { ...table, rules: [row], effectiveTo: '2026-06-31' }))).toThrow(/not a calendar date/);
  });

  it('refuses an amendment file dated 2026-02-30', () => {
    const a = json(join(AMENDMENTS_DIR, 'decree-238-2026.json'));
    expect(readAmendmentFile(written('ok.json', a)).effectiveFrom).toBe(a.effectiveFrom);
    expect(() => readAmendmentFile(written('amendment.json', { ...a, effectiveFrom: '2026-02-30' }))).toThrow(/not a calendar date/);
  });
});
