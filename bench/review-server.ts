// The review API as the benchmark runs it: the review routes (src/review) behind a stand-in
// for src/accounts' requireOfficer (the officer named by a header, as in the tests), and the
// baseline route of the same run, a primary-key read of one case, behind the same middleware.
import express, { type RequestHandler } from 'express';
import { pino } from 'pino';
import { loadConfig } from '../src/config/index.ts';
import { createDb, queryRows } from '../src/db/index.ts';
import { Prisma } from '../src/generated/prisma/client.ts';
import { errorHandler, notFound } from '../src/http/error-handler.ts';
import { installRequestLog } from '../src/http/request-log.ts';
import { SUMMARY_COLUMNS } from '../src/review/case-summary.ts';
import { reviewRoutes, type TPrincipal } from '../src/review/index.ts';

const cfg = loadConfig();
const db = createDb(cfg.DATABASE_URL, cfg.DB_POOL_MAX);
const officer: RequestHandler = (req, res, next) => {
  res.locals.principal = JSON.parse(Buffer.from(req.get('x-bench-officer') ?? '', 'base64url').toString('utf8')) as TPrincipal;
  next();
};

const app = express();
app.disable('x-powered-by');
installRequestLog(app, pino({ level: cfg.LOG_LEVEL }));
app.get('/v1/cases/:id', officer, async (req, res) => {
  const p = res.locals.principal as TPrincipal;
  const [c] = await queryRows(
    db,
    Prisma.sql`SELECT ${SUMMARY_COLUMNS} FROM "case" c JOIN site s ON s.id = c.site_id WHERE c.id = ${req.params.id}::uuid AND c.detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[])`,
  );
  res.json(c);
});
app.use(
  reviewRoutes(
    { db, leaseSeconds: cfg.REVIEW_LEASE_SECONDS, supervisorThresholdVnd: cfg.REVIEW_SUPERVISOR_THRESHOLD_VND, qaSampleRate: cfg.REVIEW_QA_SAMPLE_RATE },
    officer,
  ),
);
app.use(notFound);
app.use(errorHandler);
const server = app.listen(cfg.PORT, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => void db.$disconnect().then(() => process.exit(0))));
