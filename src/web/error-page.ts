import type { Request, Response } from 'express';
import type { AppError } from '../shared/app-error.ts';
import { renderPage } from './render.ts';

/**
 * A browser asking for a page, or posting one of the pages' forms (urlencoded: the admin
 * page, login, logout), gets the error as a page; API clients (paths under /v1/, the
 * camera route, JSON bodies or a JSON Accept) keep the JSON shape.
 */
export const wantsHtml = (req: Request): boolean =>
  !req.path.startsWith('/v1/') &&
  req.accepts(['json', 'html']) === 'html' &&
  (req.method === 'GET' || (req.method === 'POST' && req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded'));

/** The page for an AppError: its status in words, its code; the message only below 500 (a 500's is internal). */
export const renderErrorPage = (req: Request, res: Response, err: AppError): void => {
  const status = err.status;
  const known = [400, 401, 403, 404, 409, 503].includes(status) ? status : status >= 500 ? 500 : 400;
  renderPage(req, res, 'error', { status, known, code: err.code, message: status < 500 ? err.message : null }, status);
};
