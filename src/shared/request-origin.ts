import type { Request } from 'express';

/**
 * Where a request says it comes from: its `Origin` names this host (`same`), another
 * (`cross`, also an unreadable Origin), or nothing (`none`: browsers send Origin on
 * cross-site and on most same-site posts; non-browser clients often do not).
 */
export const requestOrigin = (req: Request): 'same' | 'cross' | 'none' => {
  const origin = req.headers.origin;
  if (origin === undefined) return 'none';
  try {
    return new URL(origin).host === req.headers.host ? 'same' : 'cross';
  } catch {
    return 'cross';
  }
};
