import type { Request, Response } from 'express';
import { text } from '../shared/templates.ts';

export const LANGS = ['vi', 'en'] as const;
export type TLang = (typeof LANGS)[number];
const LANG_COOKIE = 'lang';

const isLang = (v: unknown): v is TLang => typeof v === 'string' && (LANGS as readonly string[]).includes(v);

const cookieValue = (req: Request, name: string): string | undefined => {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
};

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

/** Times are stored UTC and shown in Asia/Ho_Chi_Minh. */
export const formatters = (lang: TLang) => {
  const dateTime = new Intl.DateTimeFormat(LOCALE[lang], { timeZone: TZ, dateStyle: 'short', timeStyle: 'medium' });
  const date = new Intl.DateTimeFormat(LOCALE[lang], { timeZone: TZ, dateStyle: 'short' });
  const number = new Intl.NumberFormat(LOCALE[lang]);
  return {
    dateTime: (d: Date | string | null | undefined) => (d ? dateTime.format(new Date(d)) : '—'),
    date: (d: Date | string | null | undefined) => (d ? date.format(new Date(d)) : '—'),
    /** Integer VND. */
    vnd: (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${number.format(n)} ₫`),
    percent: (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)} %`),
  };
};
