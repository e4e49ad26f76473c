import type { RequestHandler } from 'express';
import type { TRole } from '../accounts/index.ts';

export type { TPrincipal, TRole } from '../accounts/index.ts';

/**
 * How the officers' routes learn who is acting: src/accounts' requireOfficer in the
 * service (it sets res.locals.principal, and res.locals.csrfToken for cookie sessions, or
 * answers 401/403); tests may pass a stand-in that signs officers in by a header.
 */
export type TOfficerAuth = { requireOfficer: (opts?: { roles?: TRole[] }) => RequestHandler };
