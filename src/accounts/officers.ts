import { z } from 'zod';
import { appendAudit } from '../audit/index.ts';
import { parseInput } from '../shared/parse-input.ts';
import type { TDb, TTx } from '../db/index.ts';
import { OfficerRole } from '../generated/prisma/enums.ts';
import { AppError } from '../shared/app-error.ts';
import { agencyByCode } from './agencies.ts';
import { generatePassword, hashPassword, PASSWORD_MIN_LENGTH } from './password.ts';

export const ROLES = Object.values(OfficerRole);

const ZUsername = z.string().regex(/^[a-z0-9._-]{3,64}$/, 'lower-case letters, digits and . _ - only, 3 to 64');
const ZPassword = z.string().min(PASSWORD_MIN_LENGTH, `a password has at least ${PASSWORD_MIN_LENGTH} characters`).max(256);
const ZRoles = z.array(z.enum(OfficerRole)).min(1, 'at least one role');

export const ZOfficerInput = z.object({
  username: ZUsername,
  fullName: z.string().trim().min(1).max(200),
  agency: z.string().min(1),
  roles: ZRoles,
  password: ZPassword.optional(),
});

type TDeps = { db: TDb; actor: string };

const officerNamed = async (tx: Pick<TTx, 'officer'>, username: string) => {
  const officer = await tx.officer.findUnique({ where: { username } });
  if (!officer) throw new AppError('NOT_FOUND', `officer ${username} does not exist`);
  return officer;
};

const uniqueRoles = (roles: readonly OfficerRole[]) => ROLES.filter((r) => roles.includes(r));

/** Adds an officer; returns the password when it was generated here (to be shown once). */
export const addOfficer = async ({ db, actor }: TDeps, input: z.input<typeof ZOfficerInput>) => {
  const data = parseInput(ZOfficerInput, input);
  const password = data.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const roles = uniqueRoles(data.roles);
  const officer = await db.$transaction(async (tx) => {
    if (await tx.officer.findUnique({ where: { username: data.username } })) throw new AppError('CONFLICT', `officer ${data.username} already exists`);
    const agency = await agencyByCode(tx, data.agency);
    const created = await tx.officer.create({ data: { username: data.username, fullName: data.fullName, agencyId: agency.id, roles, passwordHash } });
    await appendAudit(tx, {
      actor,
      entityType: 'officer',
      entityId: created.id,
      action: 'officer.add',
      toState: 'ACTIVE',
      data: { username: created.username, fullName: created.fullName, agency: agency.code, roles },
    });
    return created;
  });
  return { officer, generatedPassword: data.password === undefined ? password : undefined };
};

/** Disables an officer: no more logins, and every session of theirs stops working at once. */
export const disableOfficer = async ({ db, actor }: TDeps, username: string, reason?: string) =>
  db.$transaction(async (tx) => {
    const officer = await officerNamed(tx, username);
    if (!officer.active) return officer;
    const updated = await tx.officer.update({ where: { id: officer.id }, data: { active: false } });
    await tx.officerSession.updateMany({ where: { officerId: officer.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await appendAudit(tx, { actor, entityType: 'officer', entityId: officer.id, action: 'officer.disable', fromState: 'ACTIVE', toState: 'DISABLED', reason: reason ?? null });
    return updated;
  });

/**
 * Sets a new password (generated and returned when none is given), lifts a lock-out and
 * ends the officer's sessions: whoever knew the old password is signed out.
 */
export const resetOfficerPassword = async ({ db, actor }: TDeps, username: string, password?: string) => {
  const next = password === undefined ? generatePassword() : parseInput(z.object({ password: ZPassword }), { password }).password;
  const passwordHash = await hashPassword(next);
  await db.$transaction(async (tx) => {
    const officer = await officerNamed(tx, username);
    await tx.officer.update({ where: { id: officer.id }, data: { passwordHash, failedLogins: 0, lockedUntil: null } });
    await tx.officerSession.updateMany({ where: { officerId: officer.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await appendAudit(tx, { actor, entityType: 'officer', entityId: officer.id, action: 'officer.reset-password' });
  });
  return password === undefined ? next : undefined;
};

/** Replaces an officer's roles; audited old → new. Takes effect at their next request. */
export const setOfficerRoles = async ({ db, actor }: TDeps, username: string, roles: OfficerRole[]) => {
  const next = uniqueRoles(parseInput(ZRoles, roles));
  return db.$transaction(async (tx) => {
    const officer = await officerNamed(tx, username);
    const before = uniqueRoles(officer.roles);
    if (before.join() === next.join()) return officer;
    const updated = await tx.officer.update({ where: { id: officer.id }, data: { roles: next } });
    await appendAudit(tx, { actor, entityType: 'officer', entityId: officer.id, action: 'officer.set-roles', data: { username, from: before, to: next } });
    return updated;
  });
};

export const listOfficers = (db: TDb) =>
  db.officer.findMany({
    orderBy: { username: 'asc' },
    select: { username: true, fullName: true, roles: true, active: true, lockedUntil: true, agency: { select: { code: true } } },
  });
