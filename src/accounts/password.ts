import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt parameters of version 1: N = 2^15, r = 8, p = 3. OWASP's Password Storage Cheat
 * Sheet (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
 * asks at least N=2^17, r=8, p=1 (128 MiB) or an equivalent trade of memory for
 * parallelism; this is its 32 MiB equivalent, so concurrent logins do not need 128 MiB
 * each. About 400 ms per hash on the 2-core host.
 */
const V1 = { N: 2 ** 15, r: 8, p: 3, keylen: 32, saltBytes: 16 } as const;
/**
 * For a random code the service made (a notice's access code, ≥ 50 bits): its entropy, not
 * the KDF, resists guessing, so 4 MiB (~10 ms) is enough to make an offline search of a
 * leaked table pointless while a notice worker can hash a hundred a second.
 */
const CODE = { N: 2 ** 12, r: 8, p: 1, keylen: 32, saltBytes: 16 } as const;
const COSTS = { password: V1, code: CODE } as const;
/** Node refuses scrypt over 32 MiB by default; allow twice what the parameters need. */
const maxmem = (N: number, r: number) => 2 * 128 * N * r;

const derive = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });

/** `scrypt$1$<N>$<r>$<p>$<salt b64>$<key b64>`: the version and parameters travel with the hash, so they can grow. */
export const hashPassword = async (password: string, cost: keyof typeof COSTS = 'password'): Promise<string> => {
  const c = COSTS[cost];
  const salt = randomBytes(c.saltBytes);
  const key = await derive(password, salt, c.keylen, { N: c.N, r: c.r, p: c.p, maxmem: maxmem(c.N, c.r) });
  return ['scrypt', '1', c.N, c.r, c.p, salt.toString('base64'), key.toString('base64')].join('$');
};

/** True when the password matches the hash; a malformed hash matches nothing. Constant-time compare. */
export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const [alg, version, n, r, p, salt, key] = stored.split('$');
  if (alg !== 'scrypt' || version !== '1' || !salt || !key) return false;
  const N = Number(n);
  const R = Number(r);
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: Number(p), maxmem: maxmem(N, R) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

/** A hash no password matches, verified against for unknown usernames so they take as long as known ones. */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

/** A password for an officer who will be told it once: 16 characters of base64url (96 bits). */
export const generatePassword = (): string => randomBytes(12).toString('base64url');

/** The rule an officer's password must meet (NIST SP 800-63B: length, not composition rules). */
export const PASSWORD_MIN_LENGTH = 12;
