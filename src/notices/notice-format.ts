import { vietnamDate, vietnamTimeOfDayMs, type TDay } from '../clock/index.ts';
import { text } from '../shared/templates.ts';

export type TNoticeLang = 'vi' | 'en';

/** A notice string from templates/<lang>/notice.json. */
export const noticeText = (lang: TNoticeLang, key: string, vars: Record<string, string | number> = {}): string => text('notice', key, vars, lang);

/** Integer VND with dots between thousands, as Vietnamese documents write it: `4.000.000`. */
export const groupThousands = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer amount: ${n}`);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, '.');
  return n < 0 ? `-${digits}` : digits;
};

/** `4.000.000 đồng` (vi) or `VND 4.000.000` (en). */
export const money = (lang: TNoticeLang, amount: number): string => noticeText(lang, 'money', { amount: groupThousands(amount) });

const two = (n: number): string => String(n).padStart(2, '0');

/** dd/mm/yyyy of a Vietnam calendar day. */
export const dayMonthYear = (day: TDay): string => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** hh:mm:ss dd/mm/yyyy in Vietnam time (UTC+7), whatever the process's time zone. */
export const vietnamDateTime = (at: Date): string => {
  const seconds = Math.floor(vietnamTimeOfDayMs(at) / 1000);
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)} ${dayMonthYear(vietnamDate(at))}`;
};

/**
 * The place-and-date line under the motto. In Vietnamese, days below 10 and the months 1
 * and 2 take a leading zero (Decree 30/2020/NĐ-CP, Appendix I: "ngày 05 tháng 02 năm
 * 2026", "ngày 15 tháng 12 năm 2026"); English writes "5 February 2026".
 */
export const dateLine = (lang: TNoticeLang, place: string, day: TDay): string => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return lang === 'vi'
    ? noticeText(lang, 'dateLine', { place, day: two(date), month: month < 3 ? two(month) : String(month), year })
    : noticeText(lang, 'dateLine', { place, day: date, monthName: noticeText(lang, `month.${month}`), year });
};

export type TSegment = { text: string; bold: boolean };

/**
 * A notice string split into runs of regular and bold text: in the templates `**…**`
 * marks what the notice prints in bold (the plate, the act, the date to come by). The
 * values are put in after the split, so a value can never switch the weight.
 */
export const segments = (lang: TNoticeLang, key: string, vars: Record<string, string | number> = {}): TSegment[] => {
  const names = Object.keys(vars);
  const marked = noticeText(lang, key, Object.fromEntries(names.map((name, i) => [name, `\ue000${i}\ue000`])));
  const runs = marked
    .split('**')
    .map((part, i) => ({ text: part.replace(/\ue000(\d+)\ue000/g, (_, i: string) => String(vars[names[Number(i)]!])), bold: i % 2 === 1 }))
    .filter((s) => s.text !== '');
  // pdfkit drops the spaces a continued run starts with ("số 2" + " trong" prints "số 2trong"):
  // they end the run before instead.
  for (let i = 1; i < runs.length; i++) {
    const lead = /^\s+/.exec(runs[i]!.text)?.[0];
    if (!lead) continue;
    runs[i - 1]!.text += lead;
    runs[i]!.text = runs[i]!.text.slice(lead.length);
  }
  return runs.filter((s) => s.text !== '');
};
