import type { RequestHandler } from 'express';
import type { TOfficerAuth, TPrincipal, TRole } from '../../src/web/index.ts';

export const TEST_PRINCIPAL_HEADER = 'x-test-principal';
export const TEST_CSRF_TOKEN = 'test-csrf-token';

/**
 * A stand-in for src/accounts' requireOfficer in tests of other parts: the principal comes
 * from a header (URI-encoded JSON: header values are Latin-1) (no header: 401; a role missing: 403), and the CSRF token is fixed.
 */
export const testOfficerAuth: TOfficerAuth = {
  requireOfficer:
    (opts: { roles?: TRole[] } = {}): RequestHandler =>
    (req, res, next) => {
      const raw = req.headers[TEST_PRINCIPAL_HEADER];
      if (typeof raw !== 'string') {
        res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'no test principal' } });
        return;
      }
      const principal = JSON.parse(decodeURIComponent(raw)) as TPrincipal;
      if (opts.roles && !opts.roles.some((r) => principal.roles.includes(r))) {
        res.status(403).json({ error: { code: 'FORBIDDEN', message: 'role missing' } });
        return;
      }
      res.locals.principal = principal;
      res.locals.csrfToken = TEST_CSRF_TOKEN;
      next();
    },
};

/** A reviewer of the agencies given (the first is their own). */
export const testPrincipal = (scopeAgencyIds: string[], over: Partial<TPrincipal> = {}): TPrincipal => ({
  officerId: '00000000-0000-4000-8000-0000000000a1',
  username: 'cb.nguyen',
  fullName: 'Nguyễn Văn An',
  agencyId: scopeAgencyIds[0] ?? '00000000-0000-4000-8000-000000000000',
  agencyCode: 'PC08-HCM',
  roles: ['REVIEWER'],
  scopeAgencyIds,
  via: 'session',
  ...over,
});

/** The header that makes a request come from `principal`. */
export const asOfficer = (principal: TPrincipal): Record<string, string> => ({ [TEST_PRINCIPAL_HEADER]: encodeURIComponent(JSON.stringify(principal)) });
