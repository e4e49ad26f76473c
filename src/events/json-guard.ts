import { isUtf8 } from 'node:buffer';
import { AppError } from '../shared/app-error.ts';

/**
 * The camera contract nests three levels deep and has under a hundred values; only the
 * evidence images are big, and each is one string. These bounds leave room for additive
 * changes while a signed body of `[[[[…` or of a million tiny values is refused by one
 * cheap pass, instead of blocking the event loop in JSON.parse and zod for seconds.
 */
export const JSON_BOUNDS = { maxDepth: 16, maxValues: 1024 };

/** Keys that name Object.prototype's machinery: no camera has a reason to send them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Longer raw keys cannot decode to a reserved one (11 characters, each at most a 6-byte \u escape). */
const MAX_RESERVED_KEY_BYTES = 66;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The index of the quote closing the string opened at `open` (raw.length when unclosed). */
const closingQuote = (raw: Buffer, open: number): number => {
  const first = raw.indexOf(QUOTE, open + 1);
  // The common case, and every image: the first quote is not escaped. indexOf is memchr.
  if (first < 0 || raw[first - 1] !== BACKSLASH) return first < 0 ? raw.length : first;
  for (let at = open + 1; at < raw.length; at++) {
    if (raw[at] === BACKSLASH) at++;
    else if (raw[at] === QUOTE) return at;
  }
  return raw.length;
};

const isFollowedByColon = (raw: Buffer, from: number): boolean => {
  let at = from;
  while (raw[at] === 0x20 || raw[at] === 0x09 || raw[at] === 0x0a || raw[at] === 0x0d) at++;
  return raw[at] === COLON;
};

/** The key as JSON.parse will see it (escapes decoded), or '…' for a long one. */
const keyAt = (raw: Buffer, open: number, close: number): string => {
  if (close - open - 1 > MAX_RESERVED_KEY_BYTES) return '…';
  try {
    return JSON.parse(raw.toString('utf8', open, close + 1)) as string;
  } catch {
    return ''; // a bad escape: JSON.parse refuses the whole body right after
  }
};

/**
 * Refuses, before JSON.parse, a body that is not UTF-8 (RFC 8259 §8.1), nests deeper or
 * holds more values than JSON_BOUNDS, or uses a reserved key anywhere. One pass over the
 * bytes; strings (the images) are skipped with indexOf. Malformed JSON is left for
 * JSON.parse to report.
 */
export const assertJsonWithinBounds = (raw: Buffer, bounds = JSON_BOUNDS): void => {
  if (!isUtf8(raw)) throw new AppError('MALFORMED_JSON', 'the body is not valid UTF-8 (RFC 8259 §8.1)');
  // Where the scan is: the current key of each open object, the index in each open array.
  const path: (string | number)[] = [];
  let values = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === QUOTE) {
      const close = closingQuote(raw, i);
      if (typeof path.at(-1) === 'string' && isFollowedByColon(raw, close + 1)) {
        const key = keyAt(raw, i, close);
        path[path.length - 1] = key;
        if (RESERVED_KEYS.has(key)) {
          throw new AppError('VALIDATION_FAILED', 'the event does not match the camera contract', {
            details: [{ path: path.join('.'), message: `the key "${key}" is not allowed` }],
          });
        }
      }
      i = close;
      continue;
    }
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      path.push(byte === OPEN_OBJECT ? '' : 0);
      if (path.length > bounds.maxDepth) {
        throw new AppError('JSON_TOO_COMPLEX', `the body nests deeper than ${bounds.maxDepth} levels`);
      }
      values++;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      path.pop();
    } else if (byte === COLON) {
      values++;
    } else if (byte === COMMA) {
      const top = path.at(-1);
      if (typeof top !== 'number') continue; // between members: counted at their colons
      path[path.length - 1] = top + 1;
      values++;
    } else {
      continue;
    }
    if (values > bounds.maxValues) {
      throw new AppError('JSON_TOO_COMPLEX', `the body holds more than ${bounds.maxValues} JSON values`);
    }
  }
};
