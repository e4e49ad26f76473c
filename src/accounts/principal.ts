export type TRole = 'REVIEWER' | 'SUPERVISOR' | 'ADMIN';

/** Who is acting: set on res.locals.principal by requireOfficer. */
export type TPrincipal = {
  officerId: string;
  username: string;
  fullName: string;
  agencyId: string;
  agencyCode: string;
  roles: TRole[];
  /** The officer's own agency and every agency below it. */
  scopeAgencyIds: string[];
  via: 'session' | 'bearer';
};

/** The audit actor of an officer's action. */
export const officerActor = (p: Pick<TPrincipal, 'username'>): string => `officer:${p.username}`;
