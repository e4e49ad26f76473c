import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import { vietnamDate } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import { noticeLimitWarnings } from '../followup/index.ts';
import { listQueue } from '../review/index.ts';
import { parseInput } from '../shared/parse-input.ts';
import { DEFAULT_MIN_SETTLED, reviewStats, statsRange, type TReviewStats } from '../stats/index.ts';
import { rememberLanguage, translator, languageOf } from './lang.ts';
import type { TOfficerAuth, TPrincipal } from './principal.ts';
import { renderPage } from './render.ts';

/** Chart.js's UMD build, served from its npm package (no CDN: the CSP allows this origin's scripts only). */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const ZMin = z.object({ min: z.coerce.number().int().min(1).max(10_000).optional() });

const statsOf = async (db: TDb, req: Request, res: Response): Promise<TReviewStats> => {
  const principal = res.locals.principal as TPrincipal;
  const { from, to, min } = req.query;
  const range = statsRange({ from, to }, vietnamDate(new Date()));
  return reviewStats(db, principal.scopeAgencyIds, range, { minSettled: parseInput(ZMin, { min }).min ?? DEFAULT_MIN_SETTLED });
};

/** What the page's charts draw, handed to supervisor.js in data attributes (the CSP forbids inline scripts). */
const chartsOf = (stats: TReviewStats, t: ReturnType<typeof translator>) => ({
  daily: {
    labels: stats.range.days.map((d) => `${d.slice(8, 10)}/${d.slice(5, 7)}`),
    series: stats.reviewers.map((r) => {
      const byDay = new Map(stats.daily.filter((x) => x.officerId === r.officerId).map((x) => [x.day, x.decisions]));
      return { label: r.username, data: stats.range.days.map((d) => byDay.get(d) ?? 0) };
    }),
  },
  reasons: { labels: stats.rejectReasons.map((r) => t(`reason.${r.code}`)), data: stats.rejectReasons.map((r) => r.count), color: '#0b5cad' },
  cameras: {
    labels: stats.cameras.filter((c) => c.rate !== null).map((c) => c.code),
    data: stats.cameras.filter((c) => c.rate !== null).map((c) => Math.round(c.rate! * 1000) / 10),
    percent: true,
    color: '#b42318',
  },
});

/**
 * The supervisor's page `/supervisor` and its figures as JSON `GET /v1/stats/review`
 * (src/stats), for SUPERVISORs only (403 to others, as requireOfficer answers a missing
 * role), over the supervisor's agency and those below it.
 */
export const supervisorRoutes = (deps: { db: TDb }, { requireOfficer }: TOfficerAuth): Router => {
  const r = Router();
  const supervisor = requireOfficer({ roles: ['SUPERVISOR'] });
  r.get('/static/vendor/chart.umd.min.js', (_req, res) => {
    res.sendFile(CHART_JS, { maxAge: '1h' });
  });
  r.get('/v1/stats/review', supervisor, async (req, res) => {
    res.json(await statsOf(deps.db, req, res));
  });
  r.get('/supervisor', helmet(), supervisor, async (req, res) => {
    rememberLanguage(req, res);
    const principal = res.locals.principal as TPrincipal;
    const [stats, escalated, noticeLimit] = await Promise.all([
      statsOf(deps.db, req, res),
      listQueue(deps.db, principal, { queues: ['ESCALATED'] }),
      noticeLimitWarnings(deps.db, { now: new Date(), scope: principal.scopeAgencyIds, limit: 50 }),
    ]);
    renderPage(req, res, 'supervisor', { agency: principal.agencyCode, stats, escalated: escalated.cases, noticeLimit, charts: chartsOf(stats, translator(languageOf(req), 'supervision')) });
  });
  return r;
};
