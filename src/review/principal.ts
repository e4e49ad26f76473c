export type { TPrincipal, TRole } from '../accounts/index.ts';
