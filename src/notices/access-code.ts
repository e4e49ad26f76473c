import { randomInt } from 'node:crypto';
import { hashPassword, verifyPassword } from '../accounts/index.ts';

/** Crockford's base32 without I, L, O, U: nothing a citizen can misread or type wrong. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 10; // 50 bits

/** A fresh access code, printed in two groups: `K7QM2-9XH4D`. */
export const generateAccessCode = (): string => {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
};

/** What a citizen typed, as compared: case, spaces and dashes ignored; O read as 0, I and L as 1. */
export const normaliseAccessCode = (typed: string): string =>
  typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');

/** The stored form: scrypt (cheap parameters: the code's entropy does the work) of the normalised code. */
export const hashAccessCode = (code: string): Promise<string> => hashPassword(normaliseAccessCode(code), 'code');

export const verifyAccessCode = (typed: string, stored: string): Promise<boolean> => {
  const code = normaliseAccessCode(typed);
  // Anything that cannot be a code is refused without spending a hash.
  if (code.length !== LENGTH || [...code].some((ch) => !ALPHABET.includes(ch))) return Promise.resolve(false);
  return verifyPassword(code, stored);
};

/**
 * A stored hash no typed code matches, at the same cost as a notice's: a number that has no
 * notice (or none with a code yet) is checked against it, so it answers as slowly as a wrong code.
 */
let dummy: Promise<string> | undefined;
export const dummyAccessCodeHash = (): Promise<string> => (dummy ??= hashAccessCode(generateAccessCode()));
