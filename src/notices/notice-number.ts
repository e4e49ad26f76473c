import { z } from 'zod';

/**
 * The default notice number: the yearly sequence in six digits, the year, then the kind
 * (TB, thông báo) and the agency's code, as Vietnamese documents are numbered
 * (`Số: 000123/2026/TB-PC08`, like `168/2024/NĐ-CP`).
 */
export const DEFAULT_NOTICE_NUMBER_PATTERN = '{seq:6}/{year}/TB-{code}';

const TOKEN = /\{(seq(?::(\d{1,2}))?|year|code)\}/g;

/**
 * An agency's own pattern: literal text with `{seq}` or `{seq:N}` (the yearly sequence,
 * zero-padded to N digits) exactly once, `{year}` and `{code}`. A number names its notice
 * everywhere (the notice page, the post manifest), so it must be unique: the sequence
 * restarts each year, hence the year; agencies share the service, hence their code.
 */
export const ZNoticeNumberPattern = z
  .string()
  .trim()
  .min(4)
  .max(60)
  .regex(/^[\p{L}\p{N}{}:/\-._ ]+$/u, 'letters, digits, spaces and / - . _ only, with {seq}, {seq:N}, {year}, {code}')
  .refine((p) => (p.match(/\{seq(?::\d{1,2})?\}/g) ?? []).length === 1, 'must hold {seq} or {seq:N} exactly once')
  .refine((p) => p.replace(TOKEN, '').indexOf('{') < 0, 'unknown {…} token: use {seq}, {seq:N}, {year}, {code}')
  .refine((p) => p.includes('{year}') && p.includes('{code}'), 'must hold {year} and {code}: a notice number is unique across years and agencies')
  // `{code}{seq}` would make PC08 + 1 and PC081 + … the same number: tokens stand apart.
  .refine((p) => !/\}\{|\}[\p{L}\p{N}]|[\p{L}\p{N}]\{/u.test(p), 'separate each {…} token from its neighbours with / - . _ or a space');

export const formatNoticeNumber = (pattern: string, v: { seq: number; year: number; code: string }): string =>
  pattern.replace(TOKEN, (_, token: string, width: string | undefined) => {
    if (token === 'year') return String(v.year);
    if (token === 'code') return v.code;
    return String(v.seq).padStart(Number(width ?? 0), '0');
  });
