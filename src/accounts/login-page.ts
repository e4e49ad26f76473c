import type { Request, Response } from 'express';
import { languageOf, rememberLanguage, translator } from '../web/lang.ts';
import { renderPage } from '../web/render.ts';

export type TLoginPageError = { key: 'refused' | 'invalid' | 'rateLimited'; minutes?: number };

/**
 * The login page (templates/pages/login.eta, strings in templates/<lang>/login.json). One
 * message for every refused login (wrong password, unknown name, locked or disabled
 * account), so the page never tells which usernames exist.
 */
export const renderLoginPage = (req: Request, res: Response, status: number, opts: { next: string; username?: string; error?: TLoginPageError }): void => {
  rememberLanguage(req, res);
  const tl = translator(languageOf(req), 'login');
  const error = opts.error ? tl(opts.error.key, { minutes: opts.error.minutes ?? 0 }) : null;
  renderPage(req, res, 'login', { tl, next: opts.next, username: opts.username ?? '', error }, status);
};
