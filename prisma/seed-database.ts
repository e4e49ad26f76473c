import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyHolidayYear, HOLIDAY_FILES_DIR, planHolidayYear, readHolidayFile, startOfDay } from '../src/clock/index.ts';
import type { TDb } from '../src/db/client.ts';
import { reassessCases } from '../src/cases/index.ts';
import { AMENDMENTS_DIR, applyAmendment, applyRules, readAmendmentFile, readRuleTable, RULE_TABLES_DIR } from '../src/fines/index.ts';
import { seedDemo } from './demo/demo-data.ts';

/**
 * The reference data every installation needs (the checked-in fine tables, with their
 * withdrawals of wrong rows, the amendments known but not loaded as rows, and the holiday
 * years) and, when asked, the demo data. Safe to run again: what exists is left alone (a
 * holiday year already loaded, perhaps corrected by an operator, is not replaced). Cases
 * in review assessed with a withdrawn row are re-assessed.
 */
export const seedDatabase = async (deps: { db: TDb; secretKey: Buffer; actor: string }, opts: { demo: boolean }) => {
  let rules = 0;
  let withdrawn = 0;
  for (const file of readdirSync(RULE_TABLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const table = readRuleTable(join(RULE_TABLES_DIR, file));
    const plan = await applyRules(deps.db, table.rules, deps.actor, table.withdraws);
    rules += plan.add.length;
    withdrawn += plan.withdraw.length;
  }
  if (withdrawn > 0) {
    await reassessCases(deps.db, { select: { withdrawnRules: true }, actor: deps.actor, reason: 'assessed with a fine rule since withdrawn as wrong' });
  }
  let amendments = 0;
  for (const file of readdirSync(AMENDMENTS_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const amendment = readAmendmentFile(join(AMENDMENTS_DIR, file));
    if ((await applyAmendment(deps.db, amendment, deps.actor)) !== 'added') continue;
    amendments++;
    // Cases already in review captured from its date were assessed without knowing of it.
    await reassessCases(deps.db, { select: { capturedFrom: startOfDay(amendment.effectiveFrom) }, actor: deps.actor, reason: `amendment ${amendment.decree} recorded` });
  }
  let holidayYears = 0;
  for (const file of readdirSync(HOLIDAY_FILES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const year = readHolidayFile(join(HOLIDAY_FILES_DIR, file));
    if ((await planHolidayYear(deps.db, year)).kind !== 'new') continue;
    await applyHolidayYear(deps.db, year, deps.actor);
    holidayYears++;
  }
  return { rules, amendments, holidayYears, demo: opts.demo ? await seedDemo(deps) : undefined };
};
