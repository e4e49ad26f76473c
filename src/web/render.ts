import { resolve } from 'node:path';
import { Eta } from 'eta';
import type { Request, Response } from 'express';
import { formatters, languageOf, translator, type TLang } from './lang.ts';

export const PAGES_DIR = resolve(import.meta.dirname, '../../templates/pages');

/**
 * Eta: templates are plain text files compiled on first use (no build step), `<%= %>`
 * escapes by default and raw output needs the explicit `<%~ %>` (used only for included
 * partials and the layout's body). Compiled templates are cached except under NODE_ENV=development (edit and reload).
 */
const eta = new Eta({ views: PAGES_DIR, autoEscape: true, cache: process.env.NODE_ENV !== 'development' });

/** What every page template may use beside its own data. */
export type TPageHelpers = {
  lang: TLang;
  t: ReturnType<typeof translator>;
  /** Strings of the supervision and admin pages (templates/<lang>/supervision.json). */
  ts: ReturnType<typeof translator>;
  /** Strings of the follow-up after sending: responses, escalations, notice-limit warnings (templates/<lang>/followup.json). */
  tf: ReturnType<typeof translator>;
  /** A string that may not exist (a state name newer than the strings): the fallback instead. */
  tOr: (key: string, fallback: string) => string;
  fmt: ReturnType<typeof formatters>;
  path: string;
  csrfToken: string | undefined;
  officer: { fullName: string; username: string; agencyCode: string; roles: readonly string[] } | undefined;
};

export const pageHelpers = (req: Request, res: Response): TPageHelpers => {
  const lang = languageOf(req);
  const t = translator(lang);
  const principal = res.locals.principal as TPageHelpers['officer'];
  return {
    lang,
    t,
    ts: translator(lang, 'supervision'),
    tf: translator(lang, 'followup'),
    tOr: (key, fallback) => {
      try {
        return t(key);
      } catch {
        return fallback;
      }
    },
    fmt: formatters(lang),
    path: req.path,
    csrfToken: res.locals.csrfToken as string | undefined,
    officer: principal ? { fullName: principal.fullName, username: principal.username, agencyCode: principal.agencyCode, roles: principal.roles } : undefined,
  };
};

/** Renders `templates/pages/<view>.eta` with the page helpers and sends it. */
export const renderPage = (req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200): void => {
  const html = eta.render(`./${view}`, { ...pageHelpers(req, res), ...data });
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
};
