// Temporary: the contract of src/accounts (branch `accounts`); the lead swaps this import at merge.
export type TRole = 'REVIEWER' | 'SUPERVISOR' | 'ADMIN';
export type TPrincipal = { officerId: string; username: string; fullName: string; agencyId: string; agencyCode: string; roles: TRole[]; scopeAgencyIds: string[]; via: 'session' | 'bearer' };
