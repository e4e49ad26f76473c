import { z } from 'zod';

/** The default notice number: the yearly sequence in six digits, then the agency code, e.g. `000123/TB-PC08`. */
export const DEFAULT_NOTICE_NUMBER_PATTERN = '{seq:6}/TB-{code}';

const TOKEN = /\{(seq(?::(\d{1,2}))?|year|code)\}/g;

/**
 * An agency's own pattern: literal text with `{seq}` or `{seq:N}` (the yearly sequence,
 * zero-padded to N digits) exactly once, and optionally `{year}` and `{code}`. The sequence
 * restarts each year, so a pattern without `{year}` repeats numbers across years unless
 * the agency's numbers are read with their year; the pattern must then be unique another
 * way, which the database's unique number enforces.
 */
export const ZNoticeNumberPattern = z
  .string()
  .trim()
  .min(4)
  .max(60)
  .regex(/^[\p{L}\p{N}{}:/\-._ ]+$/u, 'letters, digits, spaces and / - . _ only, with {seq}, {seq:N}, {year}, {code}')
  .refine((p) => (p.match(/\{seq(?::\d{1,2})?\}/g) ?? []).length === 1, 'must hold {seq} or {seq:N} exactly once')
  .refine((p) => p.replace(TOKEN, '').indexOf('{') < 0, 'unknown {…} token: use {seq}, {seq:N}, {year}, {code}');

export const formatNoticeNumber = (pattern: string, v: { seq: number; year: number; code: string }): string =>
  pattern.replace(TOKEN, (_, token: string, width: string | undefined) => {
    if (token === 'year') return String(v.year);
    if (token === 'code') return v.code;
    return String(v.seq).padStart(Number(width ?? 0), '0');
  });
