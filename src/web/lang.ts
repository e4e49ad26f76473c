import type { Request, Response } from 'express';
import { text } from '../shared/templates.ts';
import { cookieValue } from '../shared/cookies.ts';

export const LANGS = ['vi', 'en'] as const;
export type TLang = (typeof LANGS)[number];
const LANG_COOKIE = 'lang';

const isLang = (v: unknown): v is TLang => typeof v === 'string' && (LANGS as readonly string[]).includes(v);


/**
 * The page language: `?lang=` (remembered in a cookie by pages), else the cookie, else
 * Vietnamese. Officers choose it; the browser's Accept-Language is not consulted, so a
 * page reads the same on every machine of a station.
 */
export const languageOf = (req: Request): TLang => {
  const asked = req.query.lang;
  if (isLang(asked)) return asked;
  const kept = cookieValue(req, LANG_COOKIE);
  return isLang(kept) ? kept : 'vi';
};

/** Remembers an explicit `?lang=` for the next pages. */
export const rememberLanguage = (req: Request, res: Response): void => {
  const asked = req.query.lang;
  if (isLang(asked)) res.cookie(LANG_COOKIE, asked, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86400_000, path: '/' });
};

export type TTranslate = (key: string, vars?: Record<string, string | number>) => string;

/** Page strings live in templates/<lang>/pages.json (see src/shared/templates.ts). */
export const translator =
  (lang: TLang, file = 'pages'): TTranslate =>
  (key, vars = {}) =>
    text(file, key, vars, lang);

const TZ = 'Asia/Ho_Chi_Minh';
const LOCALE: Record<TLang, string> = { vi: 'vi-VN', en: 'en-GB' };

/** Times are stored UTC and shown in Asia/Ho_Chi_Minh, as dd/MM/yyyy HH:mm:ss in both languages. */
export const formatters = (lang: TLang) => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const number = new Intl.NumberFormat(LOCALE[lang]);
  const pick = (d: Date | string) => Object.fromEntries(parts.formatToParts(new Date(d)).map((p) => [p.type, p.value]));
  return {
    dateTime: (d: Date | string | null | undefined) => {
      if (!d) return '—';
      const p = pick(d);
      return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
    },
    date: (d: Date | string | null | undefined) => {
      if (!d) return '—';
      const p = pick(d);
      return `${p.day}/${p.month}/${p.year}`;
    },
    int: (n: number | null | undefined) => (n === null || n === undefined ? '—' : number.format(n)),
    /** Integer VND. */
    vnd: (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${number.format(n)} ₫`),
    percent: (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)} %`),
  };
};
