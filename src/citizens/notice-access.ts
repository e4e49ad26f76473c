import { createHash, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Redis } from 'ioredis';
import { RateLimiter, type TRateLimit } from '../accounts/index.ts';
import { appendAudit } from '../audit/index.ts';
import type { TDb } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import { dummyAccessCodeHash, noticeByNumber, verifyAccessCode, type TNoticeByNumber } from '../notices/index.ts';

export type TNoticeAccessDeps = {
  db: TDb;
  redis: Redis;
  /** Redis key prefix (QUEUE_PREFIX): several deployments or test files share one Redis. */
  prefix: string;
  /** How long a right code opens the notice in that browser. */
  accessMs: number;
  perNotice: TRateLimit;
  perIp: TRateLimit;
};

export type TCodeOutcome =
  | { kind: 'granted'; notice: TNoticeByNumber; token: string }
  /** A wrong code, an unknown number and a notice without a code yet: one answer for all three. */
  | { kind: 'refused' }
  | { kind: 'throttled'; wait: number };

/** Longer than any number an agency's pattern makes (60 characters with a 10-digit sequence): no look-up. */
const MAX_NUMBER_LENGTH = 80;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The client as the limiter counts it: an IPv4 address, or the /64 an IPv6 address is in
 * (one subscriber holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export const clientKey = (ip: string): string => {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
};

/** Redis down (or not connected yet): the page cannot count tries nor read grants, so it answers 503 and Retry-After. */
const orUnavailable = <T>(p: Promise<T>): Promise<T> =>
  p.catch((err: unknown) => {
    throw new AppError('DEPENDENCY_UNAVAILABLE', 'the notice page is unavailable; retry later', { retryAfter: 5, cause: err });
  });

const grantKey = (prefix: string, token: string) => `${prefix}:notice-grant:${sha256(token)}`;

/**
 * One try of an access code for a notice number. Wrong codes are throttled per number and
 * per client (src/accounts' Redis limiter: every try is counted first, a right one forgiven
 * after, so a burst of concurrent tries cannot all slip under the limit). The code is
 * verified even when the number has no notice, against a hash of the same cost, so an
 * unknown number takes as long and answers the same as a wrong code. A right code makes a
 * grant: a random token kept in Redis for `accessMs`, naming the notice it opens.
 */
export const tryAccessCode = async (deps: TNoticeAccessDeps, input: { number: string; code: string; ip: string }): Promise<TCodeOutcome> => {
  const limiter = new RateLimiter(deps.redis, deps.prefix);
  const client = clientKey(input.ip);
  const keys = { ip: `notice-code:ip:${client}`, number: `notice-code:n:${sha256(input.number)}` };
  const byIp = await orUnavailable(limiter.hit(keys.ip, deps.perIp));
  const over = byIp.wait ? { by: 'client', ...byIp } : { by: 'notice', ...(await orUnavailable(limiter.hit(keys.number, deps.perNotice))) };
  if (over.wait) {
    // Once per window and key: a spray shows in the audit log without writing an entry per try.
    if (over.firstRefused) {
      await deps.db.$transaction((tx) =>
        appendAudit(tx, { actor: 'citizen:notice-page', entityType: 'notice-number', entityId: input.number.slice(0, MAX_NUMBER_LENGTH), action: 'notice.code-rate-limited', reason: `too many wrong access codes for this ${over.by}`, data: { client, retryAfter: over.wait } }),
      );
    }
    return { kind: 'throttled', wait: over.wait };
  }
  const notice = input.number.length <= MAX_NUMBER_LENGTH ? await noticeByNumber(deps.db, input.number) : null;
  const matches = await verifyAccessCode(input.code, notice?.accessCodeHash ?? (await dummyAccessCodeHash()));
  if (!notice?.accessCodeHash || !matches) return { kind: 'refused' };
  const token = randomBytes(32).toString('base64url');
  await orUnavailable(Promise.all([limiter.forgive(keys.ip), limiter.forgive(keys.number), deps.redis.set(grantKey(deps.prefix, token), notice.id, 'PX', deps.accessMs)]));
  await deps.db.$transaction((tx) => appendAudit(tx, { actor: 'citizen:notice-page', entityType: 'notice', entityId: notice.id, action: 'notice.opened', data: { client } }));
  return { kind: 'granted', notice, token };
};

/** Whether one of the request's grant tokens opens this notice (a grant names one notice only). */
export const grantOpens = async (deps: Pick<TNoticeAccessDeps, 'redis' | 'prefix'>, tokens: readonly string[], noticeId: string): Promise<boolean> => {
  const valid = tokens.filter((t) => /^[A-Za-z0-9_-]{43}$/.test(t)).slice(0, 8);
  if (valid.length === 0) return false;
  const ids = await orUnavailable(deps.redis.mget(...valid.map((t) => grantKey(deps.prefix, t))));
  return ids.includes(noticeId);
};
