// Review benchmark: 1,000,000 cases of which a third wait for review (bulk-inserted with
// generate_series), 10 concurrent reviewers doing next → decide over HTTP against
// bench/review-server.ts; baseline in the same run: a primary-key read of one case over
// HTTP at the same concurrency. `npm run bench` runs it after the others; `npm run
// bench:review` runs it alone and replaces its section of bench/results.md.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDatabase, dropDatabase } from '../src/db/ensure-database.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import type { TPrincipal } from '../src/review/index.ts';
import { freePort } from './free-port.ts';
import { writeResultsSection } from './results-section.ts';

const CASES = Number(process.env.BENCH_REVIEW_CASES ?? 1_000_000);
const REVIEWERS = Number(process.env.BENCH_REVIEWERS ?? 10);
const SECONDS = Number(process.env.BENCH_REVIEW_SECONDS ?? 20);
const WARMUP = Number(process.env.BENCH_REVIEW_WARMUP ?? 5);
const AGENCY = randomUUID();
const OTHER_AGENCY = randomUUID();

export type TLatencies = { n: number; p50: number; p95: number; p99: number };
export type TReviewBench = {
  cases: number;
  pending: number;
  seedSeconds: number;
  reviewers: number;
  seconds: number;
  baseline: TLatencies;
  next: TLatencies;
  decision: TLatencies;
  decisionsPerSecond: number;
  emptyNexts: number;
  errors: number;
  doubleAssignments: number;
  doubleDecisions: number;
  /** 1-minute load average when the load started: the machine is shared. */
  load: number;
};


const percentiles = (xs: number[]): TLatencies => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(2));
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
};

/** A third of the cases wait for review (5 % of another agency), the rest are decided; deadlines spread over 10 days. */
const seed = async (client: pg.Client): Promise<number> => {
  const t0 = performance.now();
  await client.query(`INSERT INTO site (id, code, name, address, province) VALUES (gen_random_uuid(), 'BENCH-1', 'Ngã tư bench', 'Quận 1', 'TP. Hồ Chí Minh')`);
  // The detecting agencies are rows (cases refer to them).
  await client.query(
    `INSERT INTO agency (id, code, name, province_code) VALUES ($1::uuid, 'PC08-BENCH', 'Phòng CSGT (bench)', '79'), ($2::uuid, 'PC08-BENCH-2', 'Phòng CSGT (bench, other)', '01')`,
    [AGENCY, OTHER_AGENCY],
  );
  await client.query(
    `INSERT INTO "case" (id, plate, plate_raw, plate_color, violation, vehicle_class, site_id, status, first_captured_at, last_captured_at,
       fine_min, fine_max, fine_amount, points, legal_basis, notice_due_at, detecting_agency_id, created_at, updated_at)
     SELECT gen_random_uuid(), '51F' || lpad((g % 100000)::text, 5, '0'), '51F-' || g, 'WHITE', 'RED_LIGHT', 'CAR', s.id,
       (CASE WHEN g % 3 = 0 THEN 'PENDING_REVIEW' ELSE (ARRAY['APPROVED', 'REJECTED', 'CLOSED'])[1 + (g / 3) % 3] END)::"CaseStatus",
       now() - make_interval(secs => g), now() - make_interval(secs => g),
       18000000, 20000000, 19000000, 4, 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
       now() + make_interval(mins => ((g::bigint * 7919) % 14400)::int), CASE WHEN g % 20 = 0 THEN $2::uuid ELSE $1::uuid END,
       now() - make_interval(secs => g), now()
     FROM generate_series(1, $3::int) g, site s`,
    [AGENCY, OTHER_AGENCY, CASES],
  );
  await client.query('ANALYZE "case"');
  return (performance.now() - t0) / 1000;
};

const officer = (i: number): TPrincipal => ({
  officerId: randomUUID(),
  username: `bench${i}`,
  fullName: `Cán bộ ${i}`,
  agencyId: AGENCY,
  agencyCode: 'PC08-BENCH',
  roles: ['REVIEWER'],
  scopeAgencyIds: [AGENCY],
  via: 'bearer',
});
const header = (p: TPrincipal) => ({ 'x-bench-officer': Buffer.from(JSON.stringify(p)).toString('base64url') });

type TLoop = { next: number[]; decision: number[]; baseline: number[]; empty: number; errors: number; decided: number; doubles: number };

const timed = async (url: string, init: RequestInit): Promise<{ ms: number; status: number; body: string }> => {
  const t = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { ms: performance.now() - t, status: res.status, body };
};

/** Each reviewer: next, then decide (approve, one in seven rejected; a QA second review always agrees), until `until`. */
const reviewLoop = async (base: string, p: TPrincipal, until: number, out: TLoop, handed: Map<string, string>) => {
  let k = 0;
  while (performance.now() < until) {
    const next = await timed(`${base}/v1/review/next`, { method: 'POST', headers: header(p) });
    if (next.status === 204) {
      out.empty++;
      continue;
    }
    if (next.status !== 200) {
      out.errors++;
      continue;
    }
    out.next.push(next.ms);
    const c = JSON.parse(next.body) as { id: string; queue: string };
    const key = `${c.id}:${c.queue}`;
    const holder = handed.get(key);
    if (holder && holder !== p.officerId) out.doubles++;
    handed.set(key, p.officerId);
    const body = c.queue === 'REVIEW' && ++k % 7 === 0 ? { decision: 'REJECT', reason: 'EVIDENCE_INSUFFICIENT' } : { decision: 'APPROVE' };
    const d = await timed(`${base}/v1/cases/${c.id}/decision`, { method: 'POST', headers: { ...header(p), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (d.status !== 200) out.errors++;
    else {
      out.decision.push(d.ms);
      out.decided++;
    }
  }
};

const baselineLoop = async (base: string, p: TPrincipal, ids: string[], until: number, out: TLoop) => {
  let i = Math.floor(Math.random() * ids.length);
  while (performance.now() < until) {
    const r = await timed(`${base}/v1/cases/${ids[i++ % ids.length]}`, { headers: header(p) });
    if (r.status !== 200) out.errors++;
    else out.baseline.push(r.ms);
  }
};

const emptyLoop = (): TLoop => ({ next: [], decision: [], baseline: [], empty: 0, errors: 0, decided: 0, doubles: 0 });

export const runReviewBench = async (pgBase: string): Promise<TReviewBench> => {
  const u = new URL(pgBase);
  u.pathname = `/pn_bench_review_${randomBytes(4).toString('hex')}`;
  const dbUrl = u.toString();
  await createDatabase(dbUrl);
  const client = new pg.Client({ connectionString: dbUrl });
  try {
    await applyMigrations(dbUrl);
    await client.connect();
    const seedSeconds = await seed(client);
    const pending = Number((await client.query(`SELECT count(*) AS n FROM "case" WHERE status = 'PENDING_REVIEW'`)).rows[0].n);
    const ids = (await client.query<{ id: string }>(`SELECT id::text FROM "case" WHERE detecting_agency_id = $1 LIMIT 20000`, [AGENCY])).rows.map((r) => r.id);

    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'review-server.ts')], {
      env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), NODE_ENV: 'production', LOG_LEVEL: 'warn', DB_POOL_MAX: '20', CAMERA_SECRET_KEY: randomBytes(32).toString('base64') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => b.toString().includes('listening') && resolve());
        child.once('exit', (code) => reject(new Error(`review-server exited (${code})`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const officers = Array.from({ length: REVIEWERS }, (_, i) => officer(i));
      const handed = new Map<string, string>();
      // Warm-up (V8 and the pool), not counted.
      const warm = emptyLoop();
      const warmUntil = performance.now() + WARMUP * 1000;
      await Promise.all(officers.flatMap((o) => [baselineLoop(base, o, ids, warmUntil, warm), reviewLoop(base, o, warmUntil, warm, handed)]));
      const baseline = emptyLoop();
      await Promise.all(officers.map((o) => baselineLoop(base, o, ids, performance.now() + SECONDS * 1000, baseline)));
      const review = emptyLoop();
      const load = loadavg()[0]!;
      const t0 = performance.now();
      await Promise.all(officers.map((o) => reviewLoop(base, o, t0 + SECONDS * 1000, review, handed)));
      const elapsed = (performance.now() - t0) / 1000;
      const doubleDecisions = Number(
        (await client.query(`SELECT count(*) AS n FROM (SELECT case_id, from_state FROM review_decision GROUP BY 1, 2 HAVING count(*) > 1) x`)).rows[0].n,
      );
      return {
        cases: CASES,
        pending,
        seedSeconds,
        reviewers: REVIEWERS,
        seconds: SECONDS,
        baseline: percentiles(baseline.baseline),
        next: percentiles(review.next),
        decision: percentiles(review.decision),
        decisionsPerSecond: review.decided / elapsed,
        emptyNexts: review.empty,
        errors: review.errors + baseline.errors + warm.errors,
        doubleAssignments: review.doubles + warm.doubles,
        doubleDecisions,
        load,
      };
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    await client.end().catch(() => undefined);
    await dropDatabase(dbUrl);
  }
};

export const reviewMarkdown = (r: TReviewBench): string => {
  const ok = (b: boolean) => (b ? 'met' : 'NOT met');
  const row = (name: string, l: TLatencies) => `| ${name} | ${l.n} | ${l.p50} | ${l.p95} | ${l.p99} |`;
  return `# Review benchmark

Measured ${new Date().toISOString()} by \`npm run bench\` (or \`npm run bench:review\`) on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), Node ${process.version}.
${r.cases.toLocaleString('en')} cases (${r.pending.toLocaleString('en')} waiting for review, 5 % of them another agency's; the rest decided),
bulk-inserted with generate_series in ${r.seedSeconds.toFixed(0)} s. Server: bench/review-server.ts (one process, NODE_ENV=production,
LOG_LEVEL=warn, DB pool 20), the review routes behind a header stand-in for requireOfficer. Load: ${r.reviewers} concurrent reviewers
(fetch, keep-alive, on the same machine) each doing \`POST /v1/review/next\` → \`POST /v1/cases/:id/decision\` (approve; one in
seven rejected; QA second reviews, 5 % of approvals, agreed) for ${r.seconds} s; baseline, same run, same ${r.reviewers} clients before it:
\`GET /v1/cases/:id\` (a primary-key read of one case, same middleware) for ${r.seconds} s. Both after a ${WARMUP} s warm-up.
The machine is shared: its 1-minute load average was ${r.load.toFixed(1)} when the reviewers started, so compare the ratio to the baseline, not milliseconds across runs.

| request | n | p50 ms | p95 ms | p99 ms |
| --- | ---: | ---: | ---: | ---: |
${row('baseline `GET /v1/cases/:id`', r.baseline)}
${row('`POST /v1/review/next`', r.next)}
${row('`POST /v1/cases/:id/decision`', r.decision)}

| measure | value |
| --- | ---: |
| decisions/s | ${r.decisionsPerSecond.toFixed(0)} |
| double assignments (one case handed to two reviewers) | ${r.doubleAssignments} |
| cases with two decisions from one state | ${r.doubleDecisions} |
| \`next\` answered 204 | ${r.emptyNexts} |
| errors (non-2xx other than 204) | ${r.errors} |

| goal | measured | |
| --- | ---: | --- |
| \`next\` p95 ≤ 20 ms | ${r.next.p95} ms | ${ok(r.next.p95 <= 20)} |
| \`next\` p95 ≤ 3 × baseline p95 | ${(r.next.p95 / r.baseline.p95).toFixed(2)} × | ${ok(r.next.p95 <= 3 * r.baseline.p95)} |
| double assignments = 0 | ${r.doubleAssignments} | ${ok(r.doubleAssignments === 0 && r.doubleDecisions === 0)} |
`;
};

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const md = reviewMarkdown(await runReviewBench(process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'));
  writeResultsSection(join(import.meta.dirname, 'results.md'), '# Review benchmark', md);
  process.stdout.write(md);
}
