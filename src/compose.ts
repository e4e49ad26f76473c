// The one composition root: the API, the workers, the admin CLI, the tests and the bench
// build their parts here, from one configuration, so each part is wired once.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TAuthLocals } from './accounts/index.ts';
import { checkpointMarginMs, checkpointSummary, verifyAudit, writeCheckpoint, type TEntityRef } from './audit/index.ts';
import { CameraDirectory } from './cameras/index.ts';
import { CASE_MACHINE, pipelineStages, reassessStale } from './cases/index.ts';
import { CalendarCache } from './clock/index.ts';
import { requireAuditKey, type TConfig } from './config/index.ts';
import { createDb, type TDb } from './db/index.ts';
import { EVENT_MACHINE, EventWriter, referencedEvidence } from './events/index.ts';
import { RuleCache } from './fines/index.ts';
import { createApp } from './http/app.ts';
import { expireClaims } from './review/index.ts';
import { createApiServer } from './http/server.ts';
import { createMetrics } from './metrics/index.ts';
import {
  createQueues,
  createRedis,
  MAINTENANCE_TASKS,
  maintenanceQueue,
  OutboxRelay,
  Reconciler,
  refreshPipelineMetrics,
  type TMaintenanceTask,
  type TMaintenanceTaskName,
  type TQueues,
  type TStageRunnerDeps,
  type TStages,
} from './queues/index.ts';
import { DELIVERY_MACHINE, dispatchStage, emailChannel, httpChannel, makePostBatch, postBatchDue, type TChannelSender, type TPostBatchDeps } from './dispatch/index.ts';
import { ESCALATION_MACHINE, escalationStage, httpEscalationAdapter, runDeadlines, unconfiguredEscalationAdapter, type TDeadlinesReport } from './followup/index.ts';
import { issueNotices, loadNoticeAssets, renderNotice as renderNoticePdf, type TNoticeDocument } from './notices/index.ts';
import { createRegistry, timedRegistry, type VehicleRegistry } from './registry/index.ts';
import { createLogger, type TLogger } from './shared/logger.ts';
import { ContentStore } from './storage/index.ts';
import type { TOfficerAuth } from './web/index.ts';

const lazy = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
};

export type TServices = ReturnType<typeof compose>;

/**
 * The parts of the service, each made on first use (a CLI command that never touches
 * Redis never connects to it) and closed by `close()` in reverse order of making.
 */
export type TComposeOptions = {
  /** Names the process in its log lines. */
  name: string;
  poolMax?: number;
  /** Parts made elsewhere (tests: a shared database client, a faulty rule table); the caller closes them. */
  logger?: TLogger;
  db?: TDb;
  registry?: VehicleRegistry;
  rules?: RuleCache;
  /** The clock officers' sessions and lock-outs read (tests move it instead of sleeping). */
  now?: () => Date;
  /** Officer authentication for the officers' routes and pages (tests: a header-based stand-in; src/accounts in production). */
  officerAuth?: TOfficerAuth;
};

export const compose = (cfg: TConfig, opts: TComposeOptions) => {
  const closers: (() => Promise<unknown>)[] = [];
  const logger = opts.logger ?? createLogger(cfg.LOG_LEVEL, opts.name);
  const onClose = <T>(value: T, close: (v: T) => Promise<unknown>): T => {
    closers.push(() => close(value));
    return value;
  };
  const redisWith = (failFast: boolean): Redis => {
    const r = createRedis(cfg.REDIS_URL, failFast ? { failFast: true, commandTimeout: 5_000 } : {});
    r.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
    return onClose(r, (x) => x.quit().catch(() => x.disconnect()));
  };

  const db = lazy(() =>
    opts.db ??
    onClose(
      createDb(cfg.DATABASE_URL, opts.poolMax ?? cfg.DB_POOL_MAX, {
        connectMs: cfg.DB_CONNECT_TIMEOUT_MS,
        statementMs: cfg.DB_STATEMENT_TIMEOUT_MS,
        queryMs: cfg.DB_QUERY_TIMEOUT_MS,
      }),
      (d) => d.$disconnect(),
    ),
  );
  /** For callers that answer people (HTTP, CLI, relay): fails fast while Redis is down. */
  const redis = lazy(() => redisWith(true));
  /** For BullMQ workers: blocking commands that wait out an outage. */
  const workerRedis = lazy(() => redisWith(false));
  const queues = lazy((): TQueues => {
    const q = createQueues(redis(), cfg.QUEUE_PREFIX);
    for (const one of Object.values(q)) one.on('error', (err) => logger.warn({ err: err.message }, 'queue error'));
    return onClose(q, (x) => Promise.all(Object.values(x).map((one) => one.close())));
  });
  const metrics = lazy(createMetrics);
  const evidence = lazy(() => new ContentStore(cfg.EVIDENCE_DIR, cfg.EVIDENCE_FSYNC));
  const noticeFiles = lazy(() => new ContentStore(cfg.NOTICE_DIR, cfg.EVIDENCE_FSYNC));
  const registry = lazy(
    (): VehicleRegistry =>
      timedRegistry(opts.registry ?? onClose(createRegistry(cfg, db()), async (r) => r.shutdown?.()), metrics()),
  );
  const rules = lazy(() => opts.rules ?? new RuleCache(db()));
  const calendar = lazy(() => new CalendarCache(db()));
  const machines = [EVENT_MACHINE, CASE_MACHINE, DELIVERY_MACHINE, ESCALATION_MACHINE] as const;
  /** The delivery channels this configuration can send on (post goes by the print batch); each is closed with the service. */
  const senders = lazy((): Partial<Record<'EMAIL' | 'SMS' | 'EID', TChannelSender>> => {
    // Half the time after which a send is judged lost: a send still waiting for its own
    // timeout (or for a pooled connection) is never taken for a dead worker's.
    const timeoutMs = (cfg.DISPATCH_SEND_TIMEOUT_SECONDS * 1000) / 2;
    const email = onClose(emailChannel({ smtpUrl: cfg.SMTP_URL, from: cfg.MAIL_FROM, poolSize: cfg.SMTP_POOL_SIZE, timeoutMs }), async (c) => c.transporter.close());
    const http = (channel: 'SMS' | 'EID', url: string | undefined, key: string | undefined) =>
      url && key ? httpChannel({ channel, url, key, timeoutMs: Math.min(cfg.PROVIDER_TIMEOUT_MS, timeoutMs) }) : undefined;
    return { EMAIL: email, SMS: http('SMS', cfg.SMS_URL, cfg.SMS_KEY), EID: http('EID', cfg.EID_URL, cfg.EID_KEY) };
  });
  // Fonts are parsed once per process (src/notices/notice-assets.ts), on the first notice.
  const renderNotice = (doc: TNoticeDocument): Promise<Buffer> => renderNoticePdf(doc, loadNoticeAssets());

  const escalationAdapter = lazy(() =>
    cfg.ESCALATION_URL && cfg.ESCALATION_SIGNING_KEY
      ? httpEscalationAdapter({ url: cfg.ESCALATION_URL, signingKey: cfg.ESCALATION_SIGNING_KEY, timeoutMs: cfg.ESCALATION_TIMEOUT_MS })
      : unconfiguredEscalationAdapter,
  );

  const stages = lazy(
    (): TStages => ({
      ...pipelineStages({
        db: db(),
        registry: registry(),
        rules: rules(),
        calendar: calendar(),
        dedup: { windowSeconds: cfg.DEDUP_WINDOW_SECONDS, confidenceThreshold: cfg.PLATE_CONFIDENCE_THRESHOLD },
        orgFine: { multiplier: cfg.ORG_FINE_MULTIPLIER, basis: cfg.ORG_FINE_MULTIPLIER_BASIS ?? null },
      }),
      notice: {
        handle: (ids) =>
          issueNotices(
            { db: db(), evidence: evidence(), notices: noticeFiles(), calendar: calendar(), publicBaseUrl: cfg.PUBLIC_BASE_URL, channels: cfg.DELIVERY_CHANNELS, render: renderNotice, postBatchHour: cfg.POST_BATCH_HOUR },
            ids,
          ),
      },
      dispatch: dispatchStage({
        db: db(),
        notices: noticeFiles(),
        calendar: calendar(),
        senders: senders(),
        channels: cfg.DELIVERY_CHANNELS,
        publicBaseUrl: cfg.PUBLIC_BASE_URL,
        sendTimeoutMs: cfg.DISPATCH_SEND_TIMEOUT_SECONDS * 1000,
        maxAttempts: cfg.DISPATCH_MAX_ATTEMPTS,
        concurrency: cfg.DISPATCH_CONCURRENCY,
        logger,
        metrics: metrics(),
        now: opts.now,
      }),
      escalation: escalationStage({ db: db(), adapter: escalationAdapter() }),
    }),
  );
  /** What the daily print batch needs (admin `post batch` and the scheduled task). */
  const postBatch = lazy((): TPostBatchDeps => ({ db: db(), notices: noticeFiles(), calendar: calendar(), metrics: metrics(), now: opts.now }));
  const relay = lazy(
    () =>
      new OutboxRelay({ db: db(), queues: queues(), logger, batchSize: cfg.OUTBOX_BATCH_SIZE, pollMs: cfg.OUTBOX_POLL_MS, jobBatch: cfg.OUTBOX_JOB_BATCH }),
  );
  /** What every stage worker needs; `workers/all.ts` and the tests start them with it. */
  const stageRunnerDeps = lazy(
    (): TStageRunnerDeps => ({ db: db(), connection: workerRedis(), prefix: cfg.QUEUE_PREFIX, concurrency: cfg.WORKER_CONCURRENCY, logger, metrics: metrics() }),
  );
  const reconciler = lazy(
    () =>
      new Reconciler({
        db: db(),
        queues: queues(),
        machines,
        afterSeconds: cfg.RECONCILE_AFTER_SECONDS,
        batch: cfg.RECONCILE_BATCH,
        logger,
        onRedrive: (r) => metrics().redriven.inc({ entity: r.entity, state: r.state, queue: r.queue }, r.ids.length),
      }),
  );
  const audit = lazy(() => {
    const key = requireAuditKey(cfg);
    const marginMs = checkpointMarginMs({ connectMs: cfg.DB_CONNECT_TIMEOUT_MS, queryMs: cfg.DB_QUERY_TIMEOUT_MS });
    const everyMs = cfg.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000;
    // One checkpoint is due per interval: an entry two intervals past the margin and still uncovered deserves a warning.
    const staleMs = 2 * everyMs + marginMs;
    return {
      everyMs,
      marginMs,
      staleMs,
      /** Writes the next signed checkpoint (null: no new entry is old enough yet); its digest goes to `log`. */
      checkpoint: (log: TLogger = logger) => writeCheckpoint(db(), { key, marginMs }, log),
      verify: (entity?: TEntityRef) => verifyAudit(db(), { key, staleMs, entity }),
    };
  });
  /** One run of the statutory clock after sending (src/followup), with its metrics: the `deadlines` task. */
  const deadlines = (log: TLogger) =>
    runDeadlines(db(), {
      now: new Date(),
      batch: cfg.DEADLINES_BATCH,
      log,
      observe: (r: TDeadlinesReport) => {
        metrics().noticeLimitCases.set({ when: 'approaching' }, r.noticeLimit.approaching);
        metrics().noticeLimitCases.set({ when: 'missed' }, r.noticeLimit.missed);
        metrics().deadlineMoves.inc({ to: 'OVERDUE' }, r.overdue.overdue);
        metrics().deadlineMoves.inc({ to: 'TIME_BARRED' }, r.timeBarred.timeBarred);
      },
    });
  const maintenanceTasks = lazy((): (TMaintenanceTask & { name: TMaintenanceTaskName })[] => [
    { name: 'reconcile', everyMs: cfg.RECONCILE_INTERVAL_SECONDS * 1000, run: () => reconciler().runOnce() },
    {
      name: 'sweep-evidence',
      everyMs: cfg.EVIDENCE_SWEEP_INTERVAL_SECONDS * 1000,
      run: async (log) => {
        // Part k of EVIDENCE_SWEEP_PARTS, by the clock: the whole store every PARTS runs.
        const of = cfg.EVIDENCE_SWEEP_PARTS;
        const part = { index: Math.floor(Date.now() / (cfg.EVIDENCE_SWEEP_INTERVAL_SECONDS * 1000)) % of, of };
        const report = await evidence().sweep((shas) => referencedEvidence(db(), shas), cfg.EVIDENCE_ORPHAN_AGE_SECONDS * 1000, { part });
        log.info({ ...report, part }, 'evidence sweep');
        return report;
      },
    },
    // Claims whose lease ran out are released and audited (src/review); a new claim takes them over anyway.
    { name: 'expire-review-claims', everyMs: 60_000, run: async () => ({ released: await expireClaims(db()) }) },
    {
      // Cases in review assessed with data changed since (a fine job that held the old tables).
      name: 'reassess-stale',
      everyMs: cfg.RECONCILE_INTERVAL_SECONDS * 1000,
      run: async (log) => {
        const report = await reassessStale(db(), { rules: rules(), calendar: calendar() }, { actor: 'maintenance:reassess-stale', batch: cfg.RECONCILE_BATCH });
        if (report.withdrawnRule + report.amendmentFlag + report.holidayFlag > 0) log.info(report, 'stale assessments sent back to the fine stage');
        return report;
      },
    },
    // Overdue → escalated, limitation → time-barred, warnings of the 10-day notice limit.
    { name: 'deadlines', everyMs: cfg.DEADLINES_INTERVAL_SECONDS * 1000, run: (log) => deadlines(log) },
    {
      // The day's print batch for the mail house, once past POST_BATCH_HOUR (Vietnam time); later runs that day find it made.
      name: 'post-batch',
      everyMs: 15 * 60_000,
      run: async (log) => {
        if (!postBatchDue((opts.now ?? (() => new Date()))(), cfg.POST_BATCH_HOUR)) return { due: false };
        const r = await makePostBatch(postBatch());
        if (r.kind === 'made') log.info({ ...r.batch }, 'post batch made: hand the PDF and the manifest to the mail house');
        return r.kind === 'empty' ? r : { kind: r.kind, day: r.batch.day, count: r.batch.count, pdfPath: r.batch.pdfPath, manifestPath: r.batch.manifestPath };
      },
    },
    {
      name: 'audit-checkpoint',
      everyMs: audit().everyMs,
      run: async (log) => {
        const cp = await audit().checkpoint(log);
        return cp ? checkpointSummary(cp) : { written: false };
      },
    },
  ]);

  /** The metrics text of this process; with `pipeline`, the pipeline's gauges are read first (one process should). */
  const metricsText = async ({ pipeline }: { pipeline: boolean }) => {
    if (pipeline) await refreshPipelineMetrics(metrics(), { db: db(), machines, afterSeconds: cfg.RECONCILE_AFTER_SECONDS, queues: queues() });
    return { contentType: metrics().registry.contentType, body: await metrics().registry.metrics() };
  };
  const cameras = lazy(
    () => new CameraDirectory(db(), cfg.CAMERA_SECRET_KEY, cfg.CAMERA_CACHE_TTL_MS, { unknownCacheBytes: cfg.CAMERA_UNKNOWN_CACHE_KB * 1024 }),
  );
  const eventWriter = lazy(() => new EventWriter(db()));
  const auth = lazy(
    (): TAuthLocals => ({
      db: db(),
      redis: redis(),
      prefix: cfg.QUEUE_PREFIX,
      now: opts.now ?? (() => new Date()),
      secureCookies: cfg.NODE_ENV === 'production',
      rules: {
        idleMs: cfg.SESSION_IDLE_MINUTES * 60_000,
        absoluteMs: cfg.SESSION_ABSOLUTE_HOURS * 3_600_000,
        maxFailures: cfg.LOGIN_MAX_FAILURES,
        lockoutMs: cfg.LOGIN_LOCKOUT_MINUTES * 60_000,
        perUser: { points: cfg.LOGIN_RATE_PER_USER, windowSeconds: cfg.LOGIN_RATE_WINDOW_SECONDS },
        perIp: { points: cfg.LOGIN_RATE_PER_IP, windowSeconds: cfg.LOGIN_RATE_WINDOW_SECONDS },
      },
    }),
  );
  /** Every stage and maintenance queue, for the ADMINs' queue dashboard (made on its first request). */
  const dashboardQueues = lazy((): Queue[] => {
    const maintenance = MAINTENANCE_TASKS.map((task) => {
      const q = new Queue(maintenanceQueue(task), { connection: redis(), prefix: cfg.QUEUE_PREFIX });
      q.on('error', (err) => logger.warn({ err: err.message }, 'queue error'));
      return onClose(q, (x) => x.close());
    });
    return [...Object.values(queues()), ...maintenance];
  });
  const app = lazy(() =>
    createApp({
      db: db(),
      redis: redis(),
      logger,
      ingestLimits: { bodyLimitBytes: cfg.BODY_LIMIT_BYTES, bodyBudgetBytes: cfg.BODY_BUDGET_BYTES, bodyReadTimeoutMs: cfg.BODY_READ_TIMEOUT_MS },
      ingestMetrics: { metrics: metrics(), cameraLabel: cfg.METRICS_CAMERA_LABEL },
      auth: auth(),
      review: { leaseSeconds: cfg.REVIEW_LEASE_SECONDS, supervisorThresholdVnd: cfg.REVIEW_SUPERVISOR_THRESHOLD_VND, qaSampleRate: cfg.REVIEW_QA_SAMPLE_RATE },
      ingest: {
        db: db(),
        writer: eventWriter(),
        cameras: cameras(),
        evidence: evidence(),
        toleranceSeconds: cfg.SIGNATURE_TOLERANCE_SECONDS,
        clockSkewSeconds: cfg.CLOCK_SKEW_SECONDS,
      },
      officerAuth: opts.officerAuth,
      dashboardQueues,
      noticeFiles: noticeFiles(),
      noticePage: {
        db: db(),
        redis: redis(),
        prefix: cfg.QUEUE_PREFIX,
        calendar: calendar(),
        evidence: evidence(),
        notices: noticeFiles(),
        secureCookies: cfg.NODE_ENV === 'production',
        accessMs: cfg.NOTICE_ACCESS_MINUTES * 60_000,
        perNotice: { points: cfg.NOTICE_CODE_RATE_PER_NOTICE, windowSeconds: cfg.NOTICE_CODE_RATE_WINDOW_SECONDS },
        perIp: { points: cfg.NOTICE_CODE_RATE_PER_IP, windowSeconds: cfg.NOTICE_CODE_RATE_WINDOW_SECONDS },
      },
      now: opts.now,
      receipts: {
        db: db(),
        channels: cfg.DELIVERY_CHANNELS,
        metrics: metrics(),
        keys: { SMS: cfg.SMS_KEY, EID: cfg.EID_KEY },
        toleranceSeconds: cfg.SIGNATURE_TOLERANCE_SECONDS,
      },
    }),
  );

  return {
    cfg,
    logger,
    db,
    redis,
    workerRedis,
    queues,
    evidence,
    noticeFiles,
    senders,
    postBatch,
    calendar,
    registry,
    rules,
    machines,
    stages,
    stageRunnerDeps,
    metrics,
    metricsText,
    relay,
    reconciler,
    audit,
    maintenanceTasks,
    cameras,
    eventWriter,
    auth,
    app,
    /** The API's HTTP server (not listening yet). */
    apiServer: () => createApiServer(app(), logger),
    /** Closes what was made, newest first. */
    close: async () => {
      while (closers.length) {
        try {
          await closers.pop()!();
        } catch (err) {
          logger.warn({ err }, 'closing a part failed');
        }
      }
    },
  };
};
