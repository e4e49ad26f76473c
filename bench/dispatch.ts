// Dispatch benchmark: N notices e-mailed through the dispatch stage (claim PENDING →
// SENDING committed, send, SENT + notice clock + case NOTIFIED in a second transaction,
// each audited) to a local SMTP server (smtp-server, in this process, discarding what it
// receives); baseline in the same run: the same e-mails (same bodies, same PDF attached)
// sent with nodemailer alone to the same server, through a pool of the same size.
// `npm run bench` runs it after the pipeline's; `npm run bench:dispatch` runs it alone and
// replaces its section of bench/results.md.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTransport } from 'nodemailer';
import PDFDocument from 'pdfkit';
import pg from 'pg';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { CalendarCache } from '../src/clock/index.ts';
import { createDb } from '../src/db/client.ts';
import { createDatabase, dropDatabase } from '../src/db/ensure-database.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { attachmentName, dispatchStage, emailChannel, emailContent, emailMessageId } from '../src/dispatch/index.ts';
import { ContentStore } from '../src/storage/index.ts';

const MAILS = Number(process.env.BENCH_DISPATCH_MAILS ?? 2_000);
const POOL = Number(process.env.BENCH_SMTP_POOL ?? 5);
/** As the stage runner hands them: jobs of OUTBOX_JOB_BATCH ids, WORKER_CONCURRENCY jobs at once. */
const JOB_IDS = 200;
const JOBS_AT_ONCE = 4;
const ITEMS_AT_ONCE = 10;
const FROM = 'Thông báo vi phạm <thongbao@notice.phatnguoi.local>';

export type TDispatchBench = { mails: number; pool: number; rawSeconds: number; dispatchSeconds: number; received: number; sent: number; pdfBytes: number; load: number };

/** A notice-sized PDF (about 40 KB: a page of text and an incompressible block standing in for the evidence image). */
const samplePdf = () =>
  new Promise<Buffer>((resolve) => {
    const doc = new PDFDocument({ size: 'A4', compress: true, info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    for (let i = 0; i < 40; i++) doc.text(`Dòng ${i}: thông báo vi phạm hành chính trong lĩnh vực trật tự, an toàn giao thông đường bộ.`);
    doc.text(randomBytes(20_000).toString('base64'));
    doc.end();
  });

const seed = async (client: pg.Client, pdfSha256: string): Promise<string[]> => {
  const agency = randomUUID();
  await client.query(`INSERT INTO site (id, code, name, address, province) VALUES (gen_random_uuid(), 'BENCH-1', 'Ngã tư bench', 'Quận 1', 'TP. Hồ Chí Minh')`);
  await client.query(`INSERT INTO agency (id, code, name, province_code) VALUES ($1::uuid, 'PC08-BENCH', 'Phòng Cảnh sát giao thông', '79')`, [agency]);
  await client.query(
    `INSERT INTO owner (id, owner_type, name, id_number, address, province, email, updated_at)
     SELECT ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'PERSON', 'Trần Thị Bình ' || g, lpad(g::text, 12, '0'),
       '12 Lê Lợi, Phường Bến Thành', 'TP. Hồ Chí Minh', 'owner' || g || '@example.vn', now()
     FROM generate_series(1, $1::int) g`,
    [MAILS],
  );
  await client.query(
    `INSERT INTO "case" (id, plate, plate_raw, plate_color, violation, vehicle_class, site_id, status, first_captured_at, last_captured_at,
       fine_min, fine_max, fine_amount, points, legal_basis, detecting_agency_id, owner_id, created_at, updated_at)
     SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, '51F' || lpad(g::text, 5, '0'), '51F-' || g, 'WHITE', 'RED_LIGHT', 'CAR', s.id,
       'NOTICE_ISSUED', now(), now(), 18000000, 20000000, 19000000, 4, 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP', $2::uuid,
       ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, now(), now()
     FROM generate_series(1, $1::int) g, site s`,
    [MAILS, agency],
  );
  await client.query(
    `INSERT INTO notice (id, case_id, agency_id, year, seq, number, issued_at, pdf_sha256, pdf_bytes, updated_at)
     SELECT ('00000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, $2::uuid,
       2026, g, lpad(g::text, 6, '0') || '/TB-PC08', now(), $3, 40000, now()
     FROM generate_series(1, $1::int) g`,
    [MAILS, agency, pdfSha256],
  );
  const { rows } = await client.query<{ id: string }>(
    `WITH d AS (SELECT g, gen_random_uuid() AS id FROM generate_series(1, $1::int) g)
     INSERT INTO delivery (id, notice_id, channel, address, message_id, updated_at)
     SELECT d.id, ('00000000-0000-4000-a000-' || lpad(d.g::text, 12, '0'))::uuid, 'EMAIL', 'owner' || d.g || '@example.vn', d.id || '@notice', now()
     FROM d
     RETURNING id::text`,
    [MAILS],
  );
  return rows.map((r) => r.id);
};

const startSink = async () => {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _s, cb) => {
      stream.on('end', () => {
        received++;
        cb(null, `Ok: queued as B${received}`);
      });
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, received: () => received, close: () => new Promise<void>((r) => server.close(() => r())) };
};

const rawSends = async (url: string, pdf: Buffer, n: number, tag: string): Promise<number> => {
  const transporter = createTransport({ url, pool: true, maxConnections: POOL });
  const outgoing = { deliveryId: '', messageId: '', address: '', notice: { number: '000001/TB-PC08', language: 'vi', pdf, url: 'http://localhost:3000/notices/000001/TB-PC08' }, owner: { name: 'Trần Thị Bình' }, plate: '51F00001', agency: 'Phòng Cảnh sát giao thông' };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) => {
      // The same work per e-mail as the channel: bodies from the templates, the PDF attached.
      const content = emailContent({ ...outgoing, deliveryId: `${tag}-${i}` });
      return transporter.sendMail({
        from: FROM,
        to: `owner${i}@example.vn`,
        messageId: emailMessageId(`${tag}-${i}`, FROM),
        subject: content.subject,
        text: content.text,
        html: content.html,
        attachments: [{ filename: attachmentName(outgoing.notice.number), content: pdf, contentType: 'application/pdf' }],
      });
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  transporter.close();
  return seconds;
};

export const runDispatchBench = async (pgBase: string): Promise<TDispatchBench> => {
  const url = new URL(pgBase);
  url.pathname = `/pn_bench_dispatch_${randomBytes(4).toString('hex')}`;
  const dbUrl = url.toString();
  const dir = mkdtempSync(join(tmpdir(), 'pn-bench-notices-'));
  await createDatabase(dbUrl);
  const sink = await startSink();
  const db = createDb(dbUrl, 20);
  const client = new pg.Client({ connectionString: dbUrl });
  client.on('error', () => {});
  try {
    await applyMigrations(dbUrl);
    const pdf = await samplePdf();
    const store = new ContentStore(dir, false);
    const sha = await store.put(pdf);
    await client.connect();
    const ids = await seed(client, sha);
    await client.query('ANALYZE');
    const email = emailChannel({ smtpUrl: sink.url, from: FROM, poolSize: POOL, timeoutMs: 60_000 });
    const stage = dispatchStage({
      db,
      notices: store,
      calendar: new CalendarCache(db),
      senders: { EMAIL: email },
      channels: ['EMAIL', 'EID', 'POST'],
      publicBaseUrl: 'http://localhost:3000',
      sendTimeoutMs: 120_000,
      maxAttempts: 20,
      concurrency: ITEMS_AT_ONCE,
      logger: pino({ level: 'silent' }),
    });
    // Warm-up: V8, the pools, the templates.
    await rawSends(sink.url, pdf, 200, 'warm');
    const load = loadavg()[0]!;
    const jobs: string[][] = [];
    for (let i = 0; i < ids.length; i += JOB_IDS) jobs.push(ids.slice(i, i + JOB_IDS));
    const before = sink.received();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: JOBS_AT_ONCE }, async () => {
        while (next < jobs.length) {
          const out = await stage.handle(jobs[next++]!);
          const bad = out.find((o) => o instanceof Error || o.kind !== 'sent');
          if (bad) throw new Error(`dispatch bench: ${bad instanceof Error ? bad.message : bad.kind}`);
        }
      }),
    );
    const dispatchSeconds = (performance.now() - t0) / 1000;
    const received = sink.received() - before;
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE status = 'SENT'`);
    await email.transporter.close();
    const rawSeconds = await rawSends(sink.url, pdf, MAILS, 'raw');
    return { mails: MAILS, pool: POOL, rawSeconds, dispatchSeconds, received, sent: rows[0]!.n, pdfBytes: pdf.length, load };
  } finally {
    await client.end().catch(() => {});
    await db.$disconnect();
    await sink.close();
    await dropDatabase(dbUrl);
    rmSync(dir, { recursive: true, force: true });
  }
};

export const dispatchMarkdown = (r: TDispatchBench): string => {
  const raw = r.mails / r.rawSeconds;
  const through = r.mails / r.dispatchSeconds;
  const ratio = through / raw;
  return `# Dispatch benchmark

Measured ${new Date().toISOString()} by \`npm run bench:dispatch\` on ${cpus().length} cores, Node ${process.version}, 1-minute load ${r.load.toFixed(1)} at the start (the machine is shared).
${r.mails} notice e-mails (bodies from templates/mail, a ${Math.round(r.pdfBytes / 1024)} KB PDF attached) to a local SMTP server (smtp-server in the bench process, discarding the data),
nodemailer pool of ${r.pool} connections in both.

- dispatch stage: \`handle\` over jobs of ${JOB_IDS} delivery ids, ${JOBS_AT_ONCE} jobs at once (as the stage runner hands them), ${ITEMS_AT_ONCE} deliveries of a job at once;
  each e-mail: read of the delivery, its notice and owner, the PDF read from the notices store, the claim PENDING → SENDING
  (compare-and-set + audit, committed; one statement per wave of 10), the send, then SENT + notice.sentAt/responseDueAt +
  case NOTICE_ISSUED → NOTIFIED (+ audit), one transaction per wave.
- raw: the same e-mails made from the same templates and sent with \`transporter.sendMail\` alone, all at once through the pool; no database.

| measurement | e-mails | seconds | e-mails/s |
| --- | ---: | ---: | ---: |
| raw nodemailer | ${r.mails} | ${r.rawSeconds.toFixed(2)} | ${raw.toFixed(0)} |
| through the dispatch stage | ${r.mails} | ${r.dispatchSeconds.toFixed(2)} | ${through.toFixed(0)} |

Received by the server during the dispatch run: ${r.received}; deliveries SENT: ${r.sent} (each exactly once).

| goal | measured | |
| --- | ---: | --- |
| dispatch ≥ 0.5 × raw e-mails/s | ${ratio.toFixed(2)} × | ${ratio >= 0.5 ? 'met' : 'not met'} |
`;
};

/** Puts the dispatch section into results.md in place of the one there, or before the review section (whose writer keeps what precedes it). */
export const writeDispatchSection = (file: string, md: string): void => {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no results yet
  }
  const at = text.indexOf('# Dispatch benchmark');
  const end = at < 0 ? -1 : text.indexOf('\n# ', at + 1);
  const review = text.indexOf('# Review benchmark');
  const [before, after] = at >= 0 ? [text.slice(0, at), end < 0 ? '' : text.slice(end + 1)] : review >= 0 ? [text.slice(0, review), text.slice(review)] : [text, ''];
  writeFileSync(file, `${before.trimEnd()}${before ? '\n\n' : ''}${md}${after ? `\n${after}` : ''}`);
};

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const md = dispatchMarkdown(await runDispatchBench(process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'));
  writeDispatchSection(join(import.meta.dirname, 'results.md'), md);
  process.stdout.write(md);
}
