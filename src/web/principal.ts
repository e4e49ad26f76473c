// Temporary: the officer contract that `accounts` implements (src/accounts). The lead swaps
// this import for theirs when merging; nothing here decides who an officer is.
import type { RequestHandler } from 'express';

export type TRole = 'REVIEWER' | 'SUPERVISOR' | 'ADMIN';
export type TPrincipal = {
  officerId: string;
  username: string;
  fullName: string;
  agencyId: string;
  agencyCode: string;
  roles: TRole[];
  scopeAgencyIds: string[];
  via: 'session' | 'bearer';
};

/** `requireOfficer` sets res.locals.principal (and res.locals.csrfToken for cookie sessions) or answers 401/403. */
export type TOfficerAuth = { requireOfficer: (opts?: { roles?: TRole[] }) => RequestHandler };
