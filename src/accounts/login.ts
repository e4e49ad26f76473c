import type { Redis } from 'ioredis';
import { appendAudit } from '../audit/index.ts';
import type { TDb } from '../db/index.ts';
import type { SessionKind } from '../generated/prisma/enums.ts';
import { AppError } from '../shared/app-error.ts';
import { dummyHash, verifyPassword } from './password.ts';
import { officerActor } from './principal.ts';
import { RateLimiter, type TRateLimit } from './rate-limit.ts';
import { createSession, revokeSession, type TNewSession, type TSessionRules } from './sessions.ts';

export type TLoginRules = TSessionRules & {
  /** Wrong passwords in a row that lock an account (LOGIN_MAX_FAILURES). */
  maxFailures: number;
  lockoutMs: number;
  /** Attempts per username and per client address in a window (LOGIN_RATE_PER_USER, LOGIN_RATE_PER_IP). */
  perUser: TRateLimit;
  perIp: TRateLimit;
};

export type TAuthDeps = {
  db: TDb;
  redis: Redis;
  /** Redis key prefix (QUEUE_PREFIX) so deployments and test files sharing a Redis stay apart. */
  prefix: string;
  rules: TLoginRules;
  /** The clock; tests move it instead of waiting out idle and absolute expiries. */
  now: () => Date;
};

/** One answer for an unknown username, a wrong password, a locked or a disabled account: none is revealed. */
const refused = () => new AppError('INVALID_CREDENTIALS', 'wrong username or password, or the account is locked for a while');

export type TNewSessionAnswer = TNewSession & { officer: { id: string; username: string; fullName: string; agencyCode: string; roles: string[] } };

/**
 * Checks a username and password and opens a session. Rate limits come first (they bound
 * the scrypt work an attacker can cause); the password is verified even for unknown or
 * locked accounts, so the answer's timing does not tell them apart either.
 */
export const login = async (deps: TAuthDeps, input: { username: string; password: string; ip: string; kind: SessionKind }): Promise<TNewSessionAnswer> => {
  const { db, rules } = deps;
  const username = input.username.trim().toLowerCase().slice(0, 64);
  const limiter = new RateLimiter(deps.redis, deps.prefix);
  const byUser = await limiter.hit(`login:user:${username}`, rules.perUser);
  const byIp = await limiter.hit(`login:ip:${input.ip}`, rules.perIp);
  const wait = Math.max(byUser.wait, byIp.wait);
  if (wait > 0) {
    // Once per window and key: a password spray past the limit shows in the audit log.
    if (byUser.firstRefused || byIp.firstRefused) {
      const over = [...(byUser.firstRefused ? ['username'] : []), ...(byIp.firstRefused ? ['client address'] : [])].join(' and ');
      await db.$transaction((tx) =>
        appendAudit(tx, { actor: `login:${username}`, entityType: 'login', entityId: username, action: 'login.rate-limited', reason: `too many attempts for this ${over}`, data: { ip: input.ip, retryAfter: wait } }),
      );
    }
    throw new AppError('RATE_LIMITED', 'too many login attempts; try again later', { retryAfter: wait });
  }

  const now = deps.now();
  const officer = await db.officer.findUnique({ where: { username }, include: { agency: { select: { code: true } } } });
  const matches = await verifyPassword(input.password, officer?.passwordHash ?? (await dummyHash()));
  const actor = `login:${username}`;
  if (!officer) {
    await db.$transaction((tx) => appendAudit(tx, { actor, entityType: 'login', entityId: username, action: 'login.failure', reason: 'unknown username', data: { ip: input.ip } }));
    throw refused();
  }
  const audit = (action: string, reason: string | null, data: Record<string, string | number> = {}) =>
    db.$transaction((tx) => appendAudit(tx, { actor, entityType: 'officer', entityId: officer.id, action, reason, data: { ip: input.ip, ...data } }));
  if (!officer.active) {
    await audit('officer.login-failure', 'account disabled');
    throw refused();
  }
  if (officer.lockedUntil && officer.lockedUntil > now) {
    await audit('officer.login-failure', 'account locked', { lockedUntil: officer.lockedUntil.toISOString() });
    throw refused();
  }
  if (!matches) {
    await db.$transaction(async (tx) => {
      const { failedLogins } = await tx.officer.update({ where: { id: officer.id }, data: { failedLogins: { increment: 1 } }, select: { failedLogins: true } });
      await appendAudit(tx, { actor, entityType: 'officer', entityId: officer.id, action: 'officer.login-failure', reason: 'wrong password', data: { ip: input.ip, failedLogins } });
      if (failedLogins >= rules.maxFailures) {
        const lockedUntil = new Date(now.getTime() + rules.lockoutMs);
        await tx.officer.update({ where: { id: officer.id }, data: { failedLogins: 0, lockedUntil } });
        await appendAudit(tx, { actor, entityType: 'officer', entityId: officer.id, action: 'officer.lockout', reason: `${failedLogins} wrong passwords in a row`, data: { ip: input.ip, lockedUntil: lockedUntil.toISOString() } });
      }
    });
    throw refused();
  }
  const session = await db.$transaction(async (tx) => {
    // Decided again on the locked row: wrong passwords sent alongside may have locked the
    // account (or it was disabled) while this one's hash was being checked.
    const [row] = await tx.$queryRaw<{ active: boolean; locked_until: Date | null }[]>`SELECT active, locked_until FROM officer WHERE id = ${officer.id}::uuid FOR UPDATE`;
    if (!row || !row.active || (row.locked_until && row.locked_until > now)) return null;
    await tx.officer.update({ where: { id: officer.id }, data: { failedLogins: 0, lockedUntil: null } });
    const s = await createSession(tx, officer.id, input.kind, now, rules);
    await appendAudit(tx, { actor, entityType: 'officer', entityId: officer.id, action: 'officer.login', data: { ip: input.ip, kind: input.kind, expiresAt: s.expiresAt.toISOString() } });
    return s;
  });
  if (!session) {
    await audit('officer.login-failure', 'account locked or disabled meanwhile');
    throw refused();
  }
  return { ...session, officer: { id: officer.id, username: officer.username, fullName: officer.fullName, agencyCode: officer.agency.code, roles: officer.roles } };
};

/** Ends the session and audits it. */
export const logout = async (deps: Pick<TAuthDeps, 'db' | 'now'>, sessionId: string, officer: { officerId: string; username: string }) =>
  deps.db.$transaction(async (tx) => {
    if (!(await revokeSession(tx, sessionId, deps.now()))) return;
    await appendAudit(tx, { actor: officerActor(officer), entityType: 'officer', entityId: officer.officerId, action: 'officer.logout' });
  });
