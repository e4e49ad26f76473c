// Agencies, officers, passwords, sessions, roles and scope, and the HTTP auth layer the
// officers' routes use: requireOfficer(), csrfProtection and res.locals.principal.
export { officerActor } from './principal.ts';
export type { TPrincipal, TRole } from './principal.ts';
export { authenticate, csrfProtection, requireOfficer, sessionCookieName } from './auth-middleware.ts';
export type { TAuthLocals } from './auth-middleware.ts';
export { authRoutes, ZLoginAnswer, ZLoginBody } from './auth-routes.ts';
export { addAgency, AGENCY_KINDS, agencyByCode, listAgencies, provincialDivisions, scopeAgencyIds, setAgencyNoticeDetails, setAgencyProvince, ZAgencyInput, ZAgencyNoticeDetails } from './agencies.ts';
export { login, logout } from './login.ts';
export type { TAuthDeps, TLoginRules } from './login.ts';
export { addOfficer, disableOfficer, listOfficers, resetOfficerPassword, ROLES, setOfficerRoles, ZOfficerInput } from './officers.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { RateLimiter } from './rate-limit.ts';
export type { TRateLimit } from './rate-limit.ts';
export { resolveSession, revokeSession } from './sessions.ts';
export type { TSessionRules } from './sessions.ts';
export { agenciesByIds, officerAgencyId, officerNames, officersOfAgencies } from './officer-reads.ts';
