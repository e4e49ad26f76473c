import { z } from 'zod';
import { AppError } from '../shared/app-error.ts';

const DEV_CAMERA_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
const DEV_AUDIT_CHECKPOINT_KEY = Buffer.alloc(32, 9).toString('base64');

const ZBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .default('postgresql://postgres@127.0.0.1:5432/phatnguoi'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Longest wait for a database connection (opening one, or a free one from the pool). */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** The server cancels a statement running longer than this. */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(8_000),
  /** The client gives up on an answer after this long (a partitioned database never answers). */
  DB_QUERY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379/0'),
  /** BullMQ key prefix; lets several deployments or test files share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_{}-]+$/).default('pn'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** API processes sharing PORT (node:cluster); 1 runs the API in this process. */
  API_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EVIDENCE_DIR: z.string().min(1).default('./var/evidence'),
  /** Notice PDFs and post batches, by their sha256 (a store of its own: the evidence sweep must not see them). */
  NOTICE_DIR: z.string().min(1).default('./var/notices'),
  /** Where citizens open the notice page; printed on notices and in their QR codes. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  /** Delivery channels in fallback order: the next is tried when one cannot deliver. */
  DELIVERY_CHANNELS: z
    .string()
    .default('EMAIL,EID,POST')
    .transform((v) => v.split(',').map((s) => s.trim().toUpperCase()))
    .pipe(z.array(z.enum(['EMAIL', 'EID', 'SMS', 'POST'])).min(1).refine((a) => new Set(a).size === a.length, 'a channel is listed twice')),
  /** The SMTP server notices are e-mailed through (nodemailer; smtps:// for implicit TLS, user:pass@ for auth). */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:1025'),
  /** SMTP connections kept open and used at once by one worker process. */
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  /** Sender of notice e-mails; its domain also names the e-mails' Message-IDs. */
  MAIL_FROM: z
    .string()
    .trim()
    .regex(/@[A-Za-z0-9.-]+\.[A-Za-z]{2,}>?$/, 'must be an address (optionally "Name <address>") with a domain')
    .default('Thông báo vi phạm giao thông <thongbao@notice.phatnguoi.local>'),
  /**
   * Longest a send may take (connect, hand-over, answer). A delivery still SENDING after
   * this long has lost its worker: it becomes UNKNOWN, never sent again blindly.
   */
  DISPATCH_SEND_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3_600).default(120),
  /** Tries of one delivery whose provider could not be reached before it fails for good and the next channel takes over. */
  DISPATCH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(20),
  /** Deliveries of one dispatch job sent at once (SMTP_POOL_SIZE connections carry them). */
  DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  /** The SMS and e-ID app providers' endpoints (unset: the channel fails over to the next one). */
  SMS_URL: z.url({ protocol: /^https?$/ }).optional(),
  EID_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Shared secrets signing requests to each provider and their delivery receipts (HMAC-SHA256). */
  SMS_KEY: z.string().min(32).optional(),
  EID_KEY: z.string().min(32).optional(),
  /** A provider call's whole time limit. */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** The daily print batch for the mail house is made after this hour, Vietnam time (0-23). */
  POST_BATCH_HOUR: z.coerce.number().int().min(0).max(23).default(15),
  /** fsync evidence files before the event commits; off only for throw-away benchmarks. */
  EVIDENCE_FSYNC: ZBool.default(true),
  BODY_LIMIT_MB: z.coerce.number().positive().max(100).default(10),
  /** An admitted camera body must arrive whole within this time (10 MB takes 16 s at 5 Mbit/s). */
  BODY_READ_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * Camera bodies one API process receives and handles at once, by declared length (a
   * chunked body counts as BODY_LIMIT_MB); past it a post gets 503 BUSY and Retry-After
   * before its body is read. A body costs a few times its size while handled.
   */
  BODY_BUDGET_MB: z.coerce.number().positive().max(1000).default(32),
  /** Accepted distance between X-Timestamp and server time (replay window). */
  SIGNATURE_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
  /** How far in the future a capturedAt may lie (camera clock drift). */
  CLOCK_SKEW_SECONDS: z.coerce.number().int().nonnegative().default(300),
  /** Repeat captures of one act within this window merge into one case. */
  DEDUP_WINDOW_SECONDS: z.coerce.number().int().positive().default(300),
  /** Bytes the API keeps of camera ids it found unknown (an LRU: made-up ids cannot grow memory). */
  CAMERA_UNKNOWN_CACHE_KB: z.coerce.number().int().positive().max(1024 * 1024).default(1024),
  /** How long an API process trusts its cached camera record (secret, status). */
  CAMERA_CACHE_TTL_MS: z.coerce.number().int().nonnegative().default(5000),
  /** base64 of 32 random bytes; encrypts camera secrets at rest. */
  CAMERA_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes')
    .optional(),
  /** base64 of at least 32 random bytes; signs the audit checkpoints (HMAC-SHA256). */
  AUDIT_CHECKPOINT_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
    .refine((v) => Buffer.from(v, 'base64').length >= 32, 'must be base64 of at least 32 bytes')
    .optional(),
  /** How often a signed checkpoint of the audit log is written (one run at a time across all worker processes). */
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().positive().default(3_600),
  /** Plate reads below this confidence are flagged LOW_CONFIDENCE_READ for an officer. */
  PLATE_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.85),
  /** `database` (the registry table, default) or `http` (a national registry service at REGISTRY_URL). */
  REGISTRY_MODE: z.enum(['database', 'http']).default('database'),
  REGISTRY_URL: z.url({ protocol: /^https?$/ }).optional(),
  REGISTRY_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  REGISTRY_RETRIES: z.coerce.number().int().nonnegative().max(10).default(2),
  /**
   * Organisation owners: proposed amount = individual amount × this. 1 by default: no
   * clause of Decree 168 doubles the Art 6/7 driver fines for organisations (Art 32 states
   * its own organisation amounts for owner offences; "gấp 02 lần" in Art 45.2 is about
   * competence; LHAV Art 24.1 only caps organisations at 2× individuals). Every
   * organisation-owned case is flagged ORGANISATION_OWNER so a supervisor decides. Above
   * 1 it needs ORG_FINE_MULTIPLIER_BASIS, the provision relied on, which the case's legal
   * basis and audit entry then carry.
   */
  ORG_FINE_MULTIPLIER: z.coerce.number().int().min(1).max(2).default(1),
  ORG_FINE_MULTIPLIER_BASIS: z.string().trim().min(10).max(300).optional(),
  /** How long an officer's claim on a case lasts unless renewed (src/review). */
  REVIEW_LEASE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
  /** An approval of a larger amount (VND) needs a supervisor's approval after the reviewer's. */
  REVIEW_SUPERVISOR_THRESHOLD_VND: z.coerce.number().int().nonnegative().default(20_000_000),
  /** Share of reviewers' approvals sampled for a blind second review (0 to 1). */
  REVIEW_QA_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.05),
  /** How often the statutory clock runs (src/followup): overdue cases escalated, time-barred ones stopped, notice-limit warnings. */
  DEADLINES_INTERVAL_SECONDS: z.coerce.number().int().positive().default(900),
  /** Cases each part of one deadlines run takes at most; the next run takes the rest. */
  DEADLINES_BATCH: z.coerce.number().int().positive().max(100_000).default(1_000),
  /** The agencies' gateway escalations (registry, inspection and licence holds, form 04) are posted to; unset: they wait. */
  ESCALATION_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** HMAC-SHA256 key signing escalation requests (as cameras sign theirs); required with ESCALATION_URL. */
  ESCALATION_SIGNING_KEY: z.string().min(32).max(256).optional(),
  ESCALATION_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(200),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().max(5000).default(500),
  /** Jobs each stage worker runs at once (each job is a batch of up to OUTBOX_JOB_BATCH items). */
  WORKER_CONCURRENCY: z.coerce.number().int().positive().max(1000).default(4),
  /** Prometheus metrics are served on ports of their own, on this interface (loopback by default). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** 0 turns a metrics server off (e.g. a second workers process on one host, or give it another port). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKERS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Label camera-event answers with the camera code (one series per camera and answer). */
  METRICS_CAMERA_LABEL: ZBool.default(true),
  /** Outbox rows the relay packs into one stage job. */
  OUTBOX_JOB_BATCH: z.coerce.number().int().positive().max(5000).default(200),
  /** An event or case waiting this long in an automated state with no job in flight is re-driven. */
  RECONCILE_AFTER_SECONDS: z.coerce.number().int().positive().default(300),
  /** How often the reconciler looks (one run at a time across all worker processes). */
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().positive().default(60),
  /** Entities re-driven per state and run at most; the next run takes the rest. */
  RECONCILE_BATCH: z.coerce.number().int().positive().max(100_000).default(5_000),
  /** How often evidence files no event refers to are looked for. */
  EVIDENCE_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().positive().default(3_600),
  /** Each sweep walks one part of the evidence store: all of it every this many sweeps. */
  EVIDENCE_SWEEP_PARTS: z.coerce.number().int().min(1).max(256).default(16),
  /** An unreferenced evidence file is removed once nobody has written or touched it for this long. */
  EVIDENCE_ORPHAN_AGE_SECONDS: z.coerce.number().int().positive().default(86_400),
  /** An officer's session unused this long ends. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().max(24 * 60).default(30),
  /** An officer's session ends this long after login, however busy. */
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().max(7 * 24).default(12),
  /** Wrong passwords in a row that lock an officer's account for LOGIN_LOCKOUT_MINUTES. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().max(100).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().positive().default(15),
  /** Login attempts per username, and per client address, in LOGIN_RATE_WINDOW_SECONDS; past them 429. */
  LOGIN_RATE_PER_USER: z.coerce.number().int().positive().default(10),
  LOGIN_RATE_PER_IP: z.coerce.number().int().positive().default(50),
  LOGIN_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  /** How long the right access code opens a notice's page, PDF and images in that browser (a cookie scoped to the notice). */
  NOTICE_ACCESS_MINUTES: z.coerce.number().int().positive().max(24 * 60).default(30),
  /**
   * Wrong access codes per notice number, and per client address, in
   * NOTICE_CODE_RATE_WINDOW_SECONDS; past them 429. A right code is not counted. The per-client
   * figure is high because mobile carriers put many phones behind one address (CGNAT).
   */
  NOTICE_CODE_RATE_PER_NOTICE: z.coerce.number().int().positive().default(10),
  NOTICE_CODE_RATE_PER_IP: z.coerce.number().int().positive().default(30),
  NOTICE_CODE_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
});

export type TConfig = Omit<z.infer<typeof ZEnv>, 'CAMERA_SECRET_KEY' | 'AUDIT_CHECKPOINT_KEY'> & {
  CAMERA_SECRET_KEY: Buffer;
  /**
   * Undefined in production when not set: only the processes that write or verify
   * checkpoints (workers running maintenance, `admin audit …`) need it, and they refuse
   * to run without it (see requireAuditKey); the API never holds it.
   */
  AUDIT_CHECKPOINT_KEY: Buffer | undefined;
  BODY_LIMIT_BYTES: number;
  BODY_BUDGET_BYTES: number;
};

export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; a wrong value names the variable and stops start-up. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): TConfig => {
  // An empty value (`REGISTRY_URL=` copied from .env.example) means "not set".
  const parsed = ZEnv.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const { CAMERA_SECRET_KEY, AUDIT_CHECKPOINT_KEY, ...rest } = parsed.data;
  if (rest.REGISTRY_MODE === 'http' && !rest.REGISTRY_URL) {
    throw new ConfigError('Invalid environment configuration:\n  REGISTRY_URL: required when REGISTRY_MODE=http');
  }
  if (rest.ESCALATION_URL && !rest.ESCALATION_SIGNING_KEY) {
    throw new ConfigError('Invalid environment configuration:\n  ESCALATION_SIGNING_KEY: required when ESCALATION_URL is set (at least 32 characters)');
  }
  if (rest.ORG_FINE_MULTIPLIER > 1 && !rest.ORG_FINE_MULTIPLIER_BASIS) {
    throw new ConfigError('Invalid environment configuration:\n  ORG_FINE_MULTIPLIER_BASIS: required when ORG_FINE_MULTIPLIER > 1: the provision that makes organisations pay more');
  }
  for (const ch of ['SMS', 'EID'] as const) {
    if (rest[`${ch}_URL`] && !rest[`${ch}_KEY`]) throw new ConfigError(`Invalid environment configuration:\n  ${ch}_KEY: required when ${ch}_URL is set (requests are signed)`);
  }
  if (rest.BODY_BUDGET_MB < rest.BODY_LIMIT_MB) {
    throw new ConfigError('Invalid environment configuration:\n  BODY_BUDGET_MB: must be at least BODY_LIMIT_MB, or a body at the limit is never admitted');
  }
  // A development default would be a published key: production must bring its own.
  if (!CAMERA_SECRET_KEY && rest.NODE_ENV === 'production') {
    throw new ConfigError('Invalid environment configuration:\n  CAMERA_SECRET_KEY: required in production');
  }
  return {
    ...rest,
    CAMERA_SECRET_KEY: Buffer.from(CAMERA_SECRET_KEY ?? DEV_CAMERA_SECRET_KEY, 'base64'),
    AUDIT_CHECKPOINT_KEY:
      AUDIT_CHECKPOINT_KEY || rest.NODE_ENV !== 'production' ? Buffer.from(AUDIT_CHECKPOINT_KEY ?? DEV_AUDIT_CHECKPOINT_KEY, 'base64') : undefined,
    BODY_LIMIT_BYTES: Math.round(rest.BODY_LIMIT_MB * 1024 * 1024),
    BODY_BUDGET_BYTES: Math.round(rest.BODY_BUDGET_MB * 1024 * 1024),
  };
};

let cached: TConfig | undefined;

/** Runs a configuration step of a process's start; a ConfigError stops it with its message (exit 78). */
export const orExit = <T>(step: () => T): T => {
  try {
    return step();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
};

/** The process-wide configuration; exits with a clear message when the env is wrong. */
export const config = (): TConfig => (cached ??= orExit(() => loadConfig()));

/** The audit checkpoint key, for the parts that sign or verify checkpoints; a clear stop without it. */
export const requireAuditKey = (cfg: Pick<TConfig, 'AUDIT_CHECKPOINT_KEY'>): Buffer => {
  if (!cfg.AUDIT_CHECKPOINT_KEY) {
    throw new ConfigError('Invalid environment configuration:\n  AUDIT_CHECKPOINT_KEY: required in production to write or verify audit checkpoints');
  }
  return cfg.AUDIT_CHECKPOINT_KEY;
};
