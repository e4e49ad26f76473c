import { createHash, randomBytes } from 'node:crypto';
import type { TDb } from '../db/index.ts';
import type { SessionKind } from '../generated/prisma/enums.ts';
import type { TPrincipal, TRole } from './principal.ts';

export type TSessionRules = {
  /** A session unused this long ends (SESSION_IDLE_MINUTES). */
  idleMs: number;
  /** A session ends this long after login, however busy (SESSION_ABSOLUTE_HOURS). */
  absoluteMs: number;
};

/** last_seen_at is written at most this often: one write a minute per officer, not one per request. */
const TOUCH_EVERY_MS = 60_000;

/** The session id stored is the token's sha256: the table alone gives no usable token. */
export const sessionIdOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export type TNewSession = { token: string; csrfToken: string; expiresAt: Date };

/** A fresh session (a new random id at every login, so a planted id never becomes a signed-in one). */
export const createSession = async (db: Pick<TDb, 'officerSession'>, officerId: string, kind: SessionKind, now: Date, rules: TSessionRules): Promise<TNewSession> => {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + rules.absoluteMs);
  await db.officerSession.create({ data: { id: sessionIdOf(token), officerId, kind, csrfToken, createdAt: now, lastSeenAt: now, expiresAt } });
  return { token, csrfToken, expiresAt };
};

export type TLiveSession = { sessionId: string; csrfToken: string; expiresAt: Date; principal: Omit<TPrincipal, 'via'> };

type TRow = {
  id: string;
  csrf_token: string;
  last_seen_at: Date;
  expires_at: Date;
  officer_id: string;
  username: string;
  full_name: string;
  agency_id: string;
  agency_code: string;
  roles: TRole[];
  scope_ids: string[];
};

/**
 * The live session a token names, with its officer and scope, or null: unknown, revoked,
 * past its absolute expiry, idle too long, or its officer disabled. The scope (the
 * officer's agency and all below it) is read in the same statement, so an agency moved
 * in the tree takes effect at the next request.
 */
export const resolveSession = async (db: TDb, token: string, now: Date, rules: TSessionRules): Promise<TLiveSession | null> => {
  const idleSince = new Date(now.getTime() - rules.idleMs);
  const [row] = await db.$queryRaw<TRow[]>`
    WITH RECURSIVE live AS (
      SELECT s.id, s.csrf_token, s.last_seen_at, s.expires_at, o.id::text AS officer_id, o.username, o.full_name,
        o.agency_id, a.code AS agency_code, o.roles::text[] AS roles
      FROM officer_session s JOIN officer o ON o.id = s.officer_id JOIN agency a ON a.id = o.agency_id
      WHERE s.id = ${sessionIdOf(token)} AND s.revoked_at IS NULL AND s.expires_at > ${now} AND s.last_seen_at > ${idleSince} AND o.active
    ), scope(id) AS (
      SELECT agency_id FROM live
      UNION
      SELECT a.id FROM agency a JOIN scope ON a.parent_id = scope.id
    )
    SELECT live.id, live.csrf_token, live.last_seen_at, live.expires_at, live.officer_id, live.username, live.full_name,
      live.agency_id::text AS agency_id, live.agency_code, live.roles, ARRAY(SELECT id::text FROM scope) AS scope_ids FROM live`;
  if (!row) return null;
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await db.officerSession.updateMany({ where: { id: row.id, lastSeenAt: { lt: now } }, data: { lastSeenAt: now } });
  }
  return {
    sessionId: row.id,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
    principal: {
      officerId: row.officer_id,
      username: row.username,
      fullName: row.full_name,
      agencyId: row.agency_id,
      agencyCode: row.agency_code,
      roles: row.roles,
      scopeAgencyIds: row.scope_ids,
    },
  };
};

/** Ends one session (logout); true when it was live. */
export const revokeSession = async (db: Pick<TDb, 'officerSession'>, sessionId: string, now: Date): Promise<boolean> =>
  (await db.officerSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } })).count > 0;
