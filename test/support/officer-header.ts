import type { RequestHandler } from 'express';
import type { TPrincipal } from '../../src/review/index.ts';

/** Test only: the officer named by the X-Test-Officer header (JSON of a principal), or 401. */
export const TEST_OFFICER_HEADER = 'x-test-officer';

export const testOfficer: RequestHandler = (req, res, next) => {
  const raw = req.get(TEST_OFFICER_HEADER);
  if (!raw) {
    res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'no test officer' } });
    return;
  }
  res.locals.principal = JSON.parse(raw) as TPrincipal;
  next();
};

export const officerHeader = (p: TPrincipal): Record<string, string> => ({ [TEST_OFFICER_HEADER]: JSON.stringify(p) });
