import type { RequestHandler } from 'express';
import type { TPrincipal } from '../../src/review/index.ts';

/** Test only: the officer named by the X-Test-Officer header (base64url of a principal's JSON), or 401. */
export const TEST_OFFICER_HEADER = 'x-test-officer';

export const testOfficer: RequestHandler = (req, res, next) => {
  const raw = req.get(TEST_OFFICER_HEADER);
  if (!raw) {
    res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'no test officer' } });
    return;
  }
  res.locals.principal = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as TPrincipal;
  next();
};

export const officerHeader = (p: TPrincipal): Record<string, string> => ({ [TEST_OFFICER_HEADER]: Buffer.from(JSON.stringify(p)).toString('base64url') });
