import type { TDb } from '../db/index.ts';

/** Officers of the given agencies (an ADMIN's scope), for the admin page. */
export const officersOfAgencies = (db: TDb, agencyIds: readonly string[]) =>
  db.officer.findMany({
    where: { agencyId: { in: [...agencyIds] } },
    orderBy: { username: 'asc' },
    select: { username: true, fullName: true, roles: true, active: true, lockedUntil: true, agency: { select: { id: true, code: true, name: true } } },
  });

/** The agencies given, by code: where an ADMIN may add officers. */
export const agenciesByIds = (db: TDb, agencyIds: readonly string[]) =>
  db.agency.findMany({ where: { id: { in: [...agencyIds] } }, orderBy: { code: 'asc' }, select: { id: true, code: true, name: true } });

/** The agency id of an officer, or undefined when no officer has that username. */
export const officerAgencyId = async (db: TDb, username: string): Promise<string | undefined> =>
  (await db.officer.findUnique({ where: { username }, select: { agencyId: true } }))?.agencyId;

/** Usernames and full names by officer id, for read models that name who did what. */
export const officerNames = async (db: TDb, ids: readonly string[]): Promise<Map<string, { username: string; fullName: string }>> => {
  const rows = ids.length ? await db.officer.findMany({ where: { id: { in: [...ids] } }, select: { id: true, username: true, fullName: true } }) : [];
  return new Map(rows.map((r) => [r.id, { username: r.username, fullName: r.fullName }]));
};
