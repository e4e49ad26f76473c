// `npm run bench`: drives the real ingest endpoint with signed ~30 KB-image events against
// PostgreSQL and, in the same run and with the same load, the lean reference
// (bench/lean-server.ts: only the unavoidable work, no framework) and a bare express
// hello-world route; then drains N events through the pipeline stages against no-op
// BullMQ jobs (bench/pipeline.ts); then the officers' review queue (bench/review.ts);
// writes bench/results.md; then renders penalty notices (bench/notices.ts), which adds its section. The load generator shares
// the machine. BENCH_PIPELINE=0 measures ingest only; BENCH_PROFILE=1 runs the API and
// the lean server under --cpu-prof and prints where their time went instead.
import { execFileSync, execSync, spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { addAgency } from '../src/accounts/index.ts';
import { addCamera, addSite } from '../src/cameras/index.ts';
import { createDb } from '../src/db/client.ts';
import { createDatabase, dropDatabase } from '../src/db/ensure-database.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { samplePng } from '../scripts/sample-images.ts';
import { runPipelineBench } from './pipeline.ts';
import { dispatchMarkdown, runDispatchBench } from './dispatch.ts';
import { reviewMarkdown, runReviewBench } from './review.ts';
import { summarise, summaryMarkdown } from './profile-summary.ts';
import { freePort } from './free-port.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
// The API's code needs about ten seconds of load before V8 has optimised it: measured
// after a 3 s warm-up its first measurement cost up to 1.7x the CPU per event of the next.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
/** Lean and ingest are measured in rounds, alternating which goes first. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PIPELINE = process.env.BENCH_PIPELINE !== '0';
/** The review benchmark (bench/review.ts) after the pipeline's; BENCH_REVIEW=0 skips it. */
const REVIEW = process.env.BENCH_REVIEW !== '0';
/** The dispatch benchmark (bench/dispatch.ts) after the pipeline's; BENCH_DISPATCH=0 skips it. */
const DISPATCH = process.env.BENCH_DISPATCH !== '0';
/** The notice rendering benchmark (bench/notices.ts) last; BENCH_NOTICES_RUN=0 skips it. */
const NOTICES = process.env.BENCH_NOTICES_RUN !== '0';
/** A git ref (or a directory holding a checkout) whose API is measured beside this tree's in the same rounds (A/B of a change). */
const COMPARE = process.env.BENCH_COMPARE;
const PROFILE = Boolean(process.env.BENCH_PROFILE);
const FRESH_STORE = process.env.BENCH_FRESH_STORE === '1';
const PIPELINE_EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const PIPELINE_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const NOOP_CONCURRENCY = Number(process.env.BENCH_NOOP_CONCURRENCY ?? 100);
/** The most requests signed ahead of one measurement (each ≈ 40 KB of memory). */
const PREBUILT = Number(process.env.BENCH_PREBUILT ?? 50_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PG_BASE = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PROFILE_DIR = join(import.meta.dirname, '.tmp');
const SECRET = 'bench-camera-secret-bench-camera-secret';
const KEY = randomBytes(32).toString('base64');
/** Signatures are valid ±5 min: past this duration requests are signed while sending. */
const MAX_PREBUILT_SECONDS = 200;

const dbUrl = (() => {
  const u = new URL(PG_BASE);
  u.pathname = `/pn_bench_${randomBytes(4).toString('hex')}`;
  return u.toString();
})();
const evidenceDir = mkdtempSync(join(tmpdir(), 'pn-bench-'));
const children: ChildProcess[] = [];
const runTag = randomBytes(3).toString('hex');


const startProcess = async (name: string, script: string, env: Record<string, string>, probe: string, cwd = process.cwd()): Promise<{ base: string; pid: number }> => {
  const port = await freePort();
  // One directory per process: tsx's module hooks run on a thread of their own, which
  // writes a profile too; the main thread's is the one with thread id 0.
  const prof = PROFILE && name !== 'bare' ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, `${name}-${runTag}`)}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd,
  });
  children.push(child);
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`${script} exited (${code})`))));
  exited.catch(() => {}); // reported by the poll below while starting; later exits end the run in measure()
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    const ok = await Promise.race([fetch(`${base}${probe}`).then((r) => r.ok, () => false), exited]);
    if (ok) return { base, pid: child.pid! };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${script} did not start`);
};

const stopAll = async () => {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.removeAllListeners('exit');
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const t = setTimeout(() => {
            c.kill('SIGKILL');
            resolve();
          }, 15_000);
          c.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  children.length = 0;
};

type TRun = { rps: number; p50: number; p99: number; non2xx: number; errors: number; total: number; stored?: number; cpu?: TCpu };
/** CPU seconds spent during a measurement by the server process and by its PostgreSQL backends. */
type TCpu = { server: number; postgres: number };

/** utime + stime of a process, in seconds (Linux: /proc, 100 ticks a second). */
const cpuSeconds = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // gone: a backend the pool closed
  }
};

const measure = async (opts: autocannon.Options): Promise<TRun> => {
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total };
};

// --- setup -----------------------------------------------------------------------
type TTarget = 'lean' | 'ingest' | 'compare';
type TServer = { base: string; pid: number };

const cleanUp = async () => {
  await stopAll();
  await dropDatabase(dbUrl);
  rmSync(evidenceDir, { recursive: true, force: true });
};

/** The compared version's tree: a directory as it is, or a git ref laid beside this tree, sharing node_modules. */
const compareTree = (ref: string): string => {
  if (existsSync(join(ref, 'src/main.ts'))) return ref;
  const dir = join(evidenceDir, 'compare-tree');
  mkdirSync(dir);
  execSync(`git archive ${ref} | tar -x -C ${dir}`);
  symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
  cpSync(join(process.cwd(), 'src/generated'), join(dir, 'src/generated'), { recursive: true });
  return dir;
};

/**
 * The evidence store as it stands once in use: its 65,536 shard directories exist (a
 * national network fills them within hours). A fresh store pays for a new directory on
 * most of its first events (about 1 ms of CPU each, measured), a one-off cost that would
 * otherwise dominate a run of a few thousand events. BENCH_FRESH_STORE=1 measures that.
 */
const warmStore = async (dir: string): Promise<void> => {
  if (FRESH_STORE) return;
  const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
  for (const a of hex) await Promise.all(hex.map((b) => mkdir(join(dir, a, b), { recursive: true })));
};

const setUp = async (): Promise<{ servers: Partial<Record<TTarget, TServer>>; bare: string }> => {
  await applyMigrations(dbUrl);
  const db = createDb(dbUrl, 2);
  const deps = { db, secretKey: Buffer.from(KEY, 'base64'), actor: 'bench' };
  await addSite(deps, { code: 'BENCH', name: 'Bench site', address: 'n/a', province: 'TP. Hồ Chí Minh' });
  await addAgency(deps, { code: 'BENCH', name: 'Bench agency', province: 'TP. Hồ Chí Minh' });
  await addCamera(deps, { code: 'BENCH-CAM', siteCode: 'BENCH', agency: 'BENCH', certNumber: 'b', certExpiresAt: new Date(Date.now() + 86400_000), secret: SECRET });
  await db.$disconnect();
  if (PROFILE) mkdirSync(PROFILE_DIR, { recursive: true });
  await warmStore(join(evidenceDir, 'api'));
  if (COMPARE) await warmStore(join(evidenceDir, 'compare'));
  const apiEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_API_')).map(([k, v]) => [k.slice(10), v ?? ''])),
    DATABASE_URL: withApp(dbUrl, 'pn-bench-api'),
    CAMERA_SECRET_KEY: KEY,
    EVIDENCE_DIR: join(evidenceDir, 'api'),
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '20',
    NODE_ENV: 'production',
    METRICS_PORT: '0',
  };
  const leanEnv = { DATABASE_URL: withApp(dbUrl, 'pn-bench-lean'), CAMERA_SECRET_KEY: KEY, EVIDENCE_DIR: join(evidenceDir, 'lean'), DB_POOL_MAX: '20' };
  const started: Partial<Record<TTarget, TServer>> = {
    ingest: await startProcess('api', 'src/main.ts', apiEnv, '/healthz'),
    lean: await startProcess('lean', 'bench/lean-server.ts', leanEnv, '/healthz'),
  };
  if (COMPARE) {
    const env = { ...apiEnv, DATABASE_URL: withApp(dbUrl, 'pn-bench-compare'), EVIDENCE_DIR: join(evidenceDir, 'compare') };
    started.compare = await startProcess('compare', 'src/main.ts', env, '/healthz', compareTree(COMPARE));
  }
  return { servers: started, bare: `${(await startProcess('bare', 'bench/bare-server.ts', {}, '/hello')).base}/hello` };
};

await createDatabase(dbUrl);
// A server that does not start must not outlive the run, nor its database.
const { servers, bare } = await setUp().catch(async (err: unknown) => {
  await cleanUp();
  throw err;
});
const targets = Object.keys(servers) as TTarget[];

// Every request carries a distinct eventId (lean and API share the camera_event table),
// a distinct image (so evidence files are really written) and a fresh signature, like a
// fleet of cameras.
const image = samplePng(100, 100, 7);
const imageB64 = image.toString('base64');
const capturedAt = new Date(Date.now() - 60_000).toISOString();
let seq = 0;
const buildRequest = () => {
  const n = seq++;
  // Vary the first pixel bytes so each event's evidence has its own sha256.
  const data = `${imageB64.slice(0, 60)}${n.toString(36).padStart(8, 'A').replace(/[^A-Za-z0-9]/g, 'A')}${imageB64.slice(68)}`;
  const body = JSON.stringify({
    eventId: `bench-${runTag}-${n}`,
    capturedAt,
    violation: 'RED_LIGHT',
    vehicleClass: 'CAR',
    plate: { text: `51F-${String(n % 1000).padStart(3, '0')}.${String(n % 97).padStart(2, '0')}`, confidence: 0.95, color: 'WHITE' },
    signalPhase: 'RED',
    evidence: [{ kind: 'image', contentType: 'image/png', data }],
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', SECRET).update(`${ts}.`).update(body).digest('hex');
  return { body, headers: { 'content-type': 'application/json', 'x-camera-id': 'BENCH-CAM', 'x-timestamp': ts, 'x-signature': `sha256=${sig}` } };
};
const bodyBytes = buildRequest().body.length;

/**
 * Posts distinct events for `seconds`. Requests are signed just before (timestamps stay in
 * the ±5 min window), as many as the target's warm-up rate says it will take, so the load
 * generator spends its share of the CPU sending, not building 40 KB bodies.
 */
const postEvents = async (name: TTarget, seconds: number, connections: number, expectedRps: number, measured: boolean): Promise<TRun> => {
  const url = `${servers[name]!.base}/v1/camera-events`;
  const want = seconds <= MAX_PREBUILT_SECONDS ? Math.min(PREBUILT, Math.ceil(expectedRps * seconds * 1.3) + 500) : 0;
  let prebuilt = Array.from({ length: want }, buildRequest);
  let next = 0;
  const setupRequest = (req: object) => ({ ...req, ...(next < prebuilt.length ? prebuilt[next++]! : buildRequest()) });
  const before = await countEvents();
  const cpuBefore = await cpuOf(name);
  const opts = { url, method: 'POST' as const, connections, duration: seconds, requests: [{ setupRequest: setupRequest as never }] };
  const r = measured ? await measure(opts) : await autocannon(opts).then((x) => ({ rps: x.requests.average }) as TRun);
  const cpuAfter = await cpuOf(name);
  prebuilt = [];
  const cpu = { server: cpuAfter.server - cpuBefore.server, postgres: cpuAfter.postgres - cpuBefore.postgres };
  return { ...r, cpu, stored: (await countEvents()) - before };
};

const results: { name: string; round: number; run: TRun }[] = [];
try {
  // Warm every server (JIT, connection pools) at full load before measuring any.
  await autocannon({ url: bare, connections: CONNECTIONS, duration: WARMUP });
  const expected: Record<string, number> = {};
  for (const name of targets) expected[name] = (await postEvents(name, WARMUP, CONNECTIONS, 2000, false)).rps;

  results.push({ name: 'bare', round: 0, run: await measure({ url: bare }) });
  for (let round = 1; round <= ROUNDS; round++) {
    // Each round starts with the next target: with two, they alternate.
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
    for (const name of order) {
      const run = await postEvents(name, DURATION, CONNECTIONS, expected[name]!, true);
      expected[name] = run.rps;
      results.push({ name, round, run });
      const cpu = run.cpu ? ` cpu/event ${((run.cpu.server * 1000) / run.total).toFixed(2)} + ${((run.cpu.postgres * 1000) / run.total).toFixed(2)} ms` : '';
      process.stdout.write(`round ${round} ${name}: ${run.rps.toFixed(0)} req/s p50 ${run.p50} p99 ${run.p99} non-2xx ${run.non2xx}${cpu}\n`);
    }
  }
  await stopAll();

  if (PROFILE) {
    const md = ['api', 'lean', ...(COMPARE ? ['compare'] : [])]
      .map((name) => {
        const dir = join(PROFILE_DIR, `${name}-${runTag}`);
        const file = readdirSync(dir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
        if (!file) return `### ${name}: no profile written\n`;
        return summaryMarkdown(`${name} (${join(dir, file)})`, summarise(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
      })
      .join('\n');
    process.stdout.write(`\n${md}`);
  } else {
    const pipeline = PIPELINE ? await runPipelineBench(PIPELINE_EVENTS, PIPELINE_CONCURRENCY, NOOP_CONCURRENCY, PG_BASE) : undefined;
    const dispatch = DISPATCH ? await runDispatchBench(PG_BASE) : undefined;
    const review = REVIEW ? await runReviewBench(PG_BASE) : undefined;
    const md = ingestMarkdown() + (pipeline ? pipelineMarkdown(pipeline) : '') + (dispatch ? `\n${dispatchMarkdown(dispatch)}` : '') + (review ? `\n${reviewMarkdown(review)}` : '');
    writeFileSync(join(import.meta.dirname, 'results.md'), md);
    process.stdout.write(md);
    // In a process of its own, so its RSS is the renderer's alone; it adds its section to results.md.
    if (NOTICES) execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'notices.ts')], { stdio: 'inherit' });
  }
} finally {
  await cleanUp();
}

function ingestMarkdown(): string {
  const of = (name: string) => results.filter((r) => r.name === name).map((r) => r.run);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [bareRun] = of('bare');
  const leans = of('lean');
  const ingests = of('ingest');
  const rounds = leans.map((l, i) => ({ rps: ingests[i]!.rps / l.rps, p99: ingests[i]!.p99 / Math.max(l.p99, 1) }));
  const rpsRatio = mean(ingests.map((r) => r.rps)) / mean(leans.map((r) => r.rps));
  const p99Ratio = mean(ingests.map((r) => r.p99)) / Math.max(mean(leans.map((r) => r.p99)), 1);
  const bareRatio = mean(ingests.map((r) => r.rps)) / bareRun!.rps;
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  const ok = (b: boolean) => (b ? 'met' : 'NOT met');
  const cpuPerEvent = (run: TRun) => {
    if (!run.cpu || !run.total) return '–';
    const ms = (s: number) => ((s * 1000) / run.total).toFixed(2);
    return `${ms(run.cpu.server)} + ${ms(run.cpu.postgres)}`;
  };
  const label: Record<string, string> = {
    bare: 'bare express 5 `GET /hello`',
    lean: 'lean reference (bench/lean-server.ts)',
    ingest: '`POST /v1/camera-events`',
    compare: `\`POST /v1/camera-events\` at ${COMPARE}`,
  };
  const compares = of('compare');
  const compareLine = compares.length
    ? `| ingest / ingest at ${COMPARE} events/s | ${(mean(ingests.map((r) => r.rps)) / mean(compares.map((r) => r.rps))).toFixed(2)} × | ${spread(compares.map((c, i) => ingests[i]!.rps / c.rps))} |\n`
    : '';
  const row = ({ name, round, run }: (typeof results)[number]) =>
    `| ${label[name]} | ${round || '–'} | ${run.rps.toFixed(0)} | ${run.p50} | ${run.p99} | ${run.non2xx} | ${run.errors} | ${run.stored ?? '–'} | ${cpuPerEvent(run)} |`;
  return `# Ingest benchmark

Measured ${new Date().toISOString()} by \`npm run bench\` on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), Node ${process.version}.
Load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per measurement, after a ${WARMUP} s warm-up of each server at the
same load; the load generator runs on the same machine as the servers. The lean reference and the API${COMPARE ? ` (and the API at ${COMPARE})` : ''} are measured in
${ROUNDS} rounds, each starting with the next server (with two, they alternate); the bare route once, before them. Each ingest request is a distinct signed
event with a distinct ~${Math.round((imageB64.length * 3) / 4 / 1024)} KB PNG (body ≈ ${Math.round(bodyBytes / 1024)} KB), signed just before its measurement.

- API (one process, NODE_ENV=production, LOG_LEVEL=warn, DB pool 20, no workers running): signature check, zod
  validation, plate check, image type check, evidence file created exclusively and fsynced, then event + evidence +
  outbox + audit rows in one PostgreSQL transaction, group-committed with the events that arrive meanwhile.
  ${FRESH_STORE ? 'Its evidence store is fresh: most events make a new shard directory (about 1 ms of CPU each).' : 'Its evidence store is as it stands once in use: the 65,536 shard directories exist (made before the run; a fresh store pays about 1 ms of CPU per new directory on its first events, BENCH_FRESH_STORE=1 measures that).'}
- Lean reference (node:http and pg, DB pool 20, camera secret cached): HMAC over the raw body, JSON.parse, base64
  decode, magic-number check, sha256, evidence file created exclusively and fsynced, one
  \`INSERT … ON CONFLICT DO NOTHING\` of the event row per request, answered after it commits. No validation, no
  evidence/audit/outbox rows, no logging: a lower bound, not a service.
- CPU ms/event: user + system CPU of the server process and of the PostgreSQL backends it holds during the
  measurement, per request answered (WAL writer and checkpointer not counted). The machine is shared, so req/s moves
  with what else runs; CPU per event moves much less.

| target | round | req/s | p50 ms | p99 ms | non-2xx | errors | events stored | CPU ms/event: server + PostgreSQL |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${results.map(row).join('\n')}

| ratio (means over rounds) | value | per round |
| --- | ---: | --- |
| ingest / lean events/s (the goal) | ${rpsRatio.toFixed(2)} × | ${spread(rounds.map((r) => r.rps))} |
| ingest / lean p99 (the goal) | ${p99Ratio.toFixed(2)} × | ${spread(rounds.map((r) => r.p99))} |
| ingest / bare req/s (context) | ${bareRatio.toFixed(2)} × | |
${compareLine}
| goal | measured | |
| --- | ---: | --- |
| events/s ≥ 0.8 × lean events/s | ${rpsRatio.toFixed(2)} × | ${ok(rpsRatio >= 0.8)} |
| p99 ≤ 1.5 × lean p99 | ${p99Ratio.toFixed(2)} × | ${ok(p99Ratio <= 1.5)} |
`;
}

function pipelineMarkdown(pipeline: Awaited<ReturnType<typeof runPipelineBench>>): string {
  const pipeRatio = pipeline.casesPerSecond / pipeline.noopPerSecond;
  const ok = (b: boolean) => (b ? 'met' : 'NOT met');
  return `
# Pipeline benchmark

${pipeline.events} stored events (each its own act, each plate registered), drained by the real stages
dedup → owner → fine to PENDING_REVIEW: outbox relay (200 rows per job), BullMQ on Redis, PostgreSQL,
all in one Node process, ${pipeline.concurrency} jobs at once per stage (the default). Baseline, same run: ${pipeline.events} no-op
jobs, one per item, each passed through three chained BullMQ queues (a job's handler adds it to the
next queue), concurrency ${pipeline.noopConcurrency} per queue. The ingest servers are stopped first.

| measure | value |
| --- | ---: |
| cases/s to PENDING_REVIEW | ${pipeline.casesPerSecond.toFixed(0)} (${pipeline.events} in ${pipeline.seconds.toFixed(1)} s) |
| no-op jobs/s through 3 queues | ${pipeline.noopPerSecond.toFixed(0)} |
| ratio | ${pipeRatio.toFixed(2)} |

| goal | measured | |
| --- | ---: | --- |
| ≥ 1,000 cases/s | ${pipeline.casesPerSecond.toFixed(0)} | ${ok(pipeline.casesPerSecond >= 1000)} |
| ratio ≥ 0.5 | ${pipeRatio.toFixed(2)} | ${ok(pipeRatio >= 0.5)} |
`;
}

/** The CPU seconds so far of a server and of the PostgreSQL backends it holds (named by application_name). */
async function cpuOf(name: TTarget): Promise<TCpu> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [`pn-bench-${name === 'ingest' ? 'api' : name}`]);
  await client.end();
  return { server: cpuSeconds(servers[name]!.pid), postgres: rows.reduce((sum, r) => sum + cpuSeconds(r.pid), 0) };
}

function withApp(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

async function countEvents(): Promise<number> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const { rows } = await client.query('SELECT count(*)::int AS n FROM camera_event');
  await client.end();
  return rows[0].n as number;
}
