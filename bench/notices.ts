// Notice rendering benchmark: BENCH_NOTICES (5,000) penalty notices rendered one after the
// other in this process (one core: rendering is synchronous), each with its own number,
// owner, access code and QR URL and one evidence JPEG (1280×720, from a pool of 8);
// baseline in the same run, same process, after the notices: a minimal pdfkit document
// with the same fonts (the same parsed fontkit objects, both faces), the same text and
// the same JPEG, no layout and no QR code (and, for context, the same with the notices'
// shared word layouts). `npm run bench:notices` runs it alone, `npm run bench` last;
// either replaces its section of bench/results.md.
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import PDFDocument from 'pdfkit';
import { extractText } from 'unpdf';
import { loadNoticeAssets, type TNoticeAssets, type TNoticeFace } from '../src/notices/notice-assets.ts';
import type { TNoticeDocument } from '../src/notices/notice-document.ts';
import { renderNotice } from '../src/notices/render-notice.ts';
import { sampleJpeg } from '../scripts/sample-images.ts';
import { sampleNoticeDocument } from '../scripts/sample-notice.ts';
import { writeResultsSection } from './results-section.ts';

const COUNT = Number(process.env.BENCH_NOTICES ?? 5_000);
const WARMUP = Number(process.env.BENCH_NOTICES_WARMUP ?? 300);
const IMAGES = 8;
/** RSS is sampled every this many notices. */
const SAMPLE_EVERY = 50;
/** And after a full garbage collection every this many: what the process keeps, without the GC's sawtooth. */
const RETAINED_EVERY = 1_000;

// A full collection on demand without starting node with --expose-gc.
v8.setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

type TRun = { count: number; wallSeconds: number; cpuSeconds: number; bytes: number };
export type TNoticeBench = {
  count: number;
  imageBytes: number;
  notice: TRun;
  baseline: TRun;
  sharedBaseline: TRun;
  /**
   * RSS in MB: after the warm-up; the lowest and highest of the samples over the first and
   * the second half of the notices (V8 lets the heap grow between major collections); the
   * highest overall; and after a full collection every RETAINED_EVERY notices.
   */
  rss: { afterWarmup: number; firstHalf: [number, number]; secondHalf: [number, number]; peak: number; retained: { i: number; rss: number; heap: number }[] };
  pages: number;
  load: number;
};

const OWNERS = ['Nguyễn Thị Hồng Nhung', 'Trần Văn Đức', 'Lê Hoàng Yến', 'Phạm Quốc Bảo', 'Công ty TNHH Vận tải Đồng Tâm', 'Võ Thị Ánh Tuyết'];

/** The i-th notice: its own number, owner, plate, access code and QR URL; evidence from the pool. */
const noticeAt = (i: number, images: Buffer[]): TNoticeDocument => {
  const code = String((i * 7_919 + 104_729) % 1_000_000).padStart(6, '0');
  const slug = createHash('sha256').update(String(i)).digest('base64url').slice(0, 8);
  const base = sampleNoticeDocument();
  return {
    ...base,
    number: `${String(i + 1).padStart(6, '0')}/TB-PC08`,
    owner: { ...base.owner, name: OWNERS[i % OWNERS.length]!, kind: i % OWNERS.length === 4 ? 'ORGANISATION' : 'PERSON' },
    vehicle: { ...base.vehicle, plate: `51K-${String(100 + (i % 900)).padStart(3, '0')}.${String(i % 100).padStart(2, '0')}` },
    evidence: [{ contentType: 'image/jpeg', bytes: images[i % images.length]! }],
    access: { shortUrl: `https://tb.csgt.example.vn/n/${slug}`, code: `${code.slice(0, 3)} ${code.slice(3)}`, qrUrl: `https://tb.csgt.example.vn/n/${slug}?c=${code}` },
  };
};

/**
 * The minimal document: same fonts, the notice's text (the first line in bold, the rest
 * regular) and its JPEG; pdfkit's own per-document word layouts, or with
 * `shared` the notices' shared ones (context: what that cache alone is worth).
 */
const renderBaseline = (text: string[], image: Buffer, assets: TNoticeAssets, shared: boolean): Promise<Buffer> => {
  const pdf = new PDFDocument({ size: 'A4', margins: { top: 40, bottom: 36, left: 56, right: 42 }, info: { CreationDate: new Date(0), ModDate: new Date(0) } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  for (const [face, font] of Object.entries(assets.fonts)) {
    pdf.registerFont(face, font as unknown as Buffer);
    if (!shared) continue;
    pdf.font(face);
    (pdf as unknown as { _font: { layoutCache: object } })._font.layoutCache = assets.layout.of(face as TNoticeFace);
  }
  const [first = '', ...rest] = text;
  pdf.font('bold').fontSize(10).text(first);
  pdf.font('regular').fontSize(9.5).text(rest.join('\n'));
  pdf.image(image, { fit: [208, 156] });
  pdf.end();
  return done;
};

/** Renders `count` documents; `onSample` (sampling memory, collecting garbage) runs every SAMPLE_EVERY of them, outside the time measured. */
const measure = async (count: number, render: (i: number) => Promise<Buffer>, onSample?: (i: number) => void): Promise<TRun> => {
  let cpu = 0;
  let wall = 0;
  let bytes = 0;
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  const stop = () => {
    const used = process.cpuUsage(cpu0);
    cpu += used.user + used.system;
    wall += performance.now() - t0;
  };
  for (let i = 0; i < count; i++) {
    bytes += (await render(i)).length;
    if (onSample && (i + 1) % SAMPLE_EVERY === 0) {
      stop();
      onSample(i + 1);
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    }
  }
  stop();
  return { count, wallSeconds: wall / 1000, cpuSeconds: cpu / 1e6, bytes };
};

const mb = (bytes: number) => bytes / 1024 / 1024;

export const runNoticeBench = async (): Promise<TNoticeBench> => {
  const assets = loadNoticeAssets();
  const images = Array.from({ length: IMAGES }, (_, i) => sampleJpeg(1280, 720, i + 1));
  const sample = await renderNotice(noticeAt(0, images), assets);
  const { totalPages, text } = await extractText(new Uint8Array(sample), { mergePages: true });
  const lines = text.split('\n').filter((l) => l.trim() !== '');

  const notice = (i: number) => renderNotice(noticeAt(i, images), assets);
  const baseline = (i: number) => renderBaseline(lines, images[i % images.length]!, assets, false);
  const sharedBaseline = (i: number) => renderBaseline(lines, images[i % images.length]!, assets, true);
  const load = loadavg()[0]!;
  // The notices first, so their RSS is theirs and not what the baselines left behind.
  await measure(WARMUP, notice);
  const afterWarmup = mb(process.memoryUsage().rss);
  const rssSamples: { i: number; rss: number }[] = [];
  const retained: { i: number; rss: number; heap: number }[] = [];
  const sampleMemory = (i: number) => {
    rssSamples.push({ i, rss: mb(process.memoryUsage().rss) });
    if (i % RETAINED_EVERY !== 0) return;
    fullGc();
    const m = process.memoryUsage();
    retained.push({ i, rss: mb(m.rss), heap: mb(m.heapUsed) });
  };
  const noticeRun = await measure(COUNT, (i) => notice(WARMUP + i), sampleMemory);
  process.stdout.write(`${COUNT} notices rendered\n`);
  await measure(WARMUP, baseline);
  const baselineRun = await measure(COUNT, baseline);
  await measure(WARMUP, sharedBaseline);
  const sharedRun = await measure(COUNT, sharedBaseline);
  const range = (xs: { rss: number }[]): [number, number] => [Math.min(...xs.map((x) => x.rss)), Math.max(...xs.map((x) => x.rss))];
  return {
    count: COUNT,
    imageBytes: Math.round(images.reduce((a, b) => a + b.length, 0) / images.length),
    notice: noticeRun,
    baseline: baselineRun,
    sharedBaseline: sharedRun,
    rss: {
      afterWarmup,
      firstHalf: range(rssSamples.filter((s) => s.i <= COUNT / 2)),
      secondHalf: range(rssSamples.filter((s) => s.i > COUNT / 2)),
      peak: Math.max(afterWarmup, ...rssSamples.map((s) => s.rss)),
      retained,
    },
    pages: totalPages,
    load,
  };
};

export const noticesMarkdown = (r: TNoticeBench): string => {
  const ok = (b: boolean) => (b ? 'met' : 'NOT met');
  const perCpu = (x: TRun) => x.count / x.cpuSeconds;
  const perWall = (x: TRun) => x.count / x.wallSeconds;
  const ratio = perCpu(r.notice) / perCpu(r.baseline);
  const [first, last] = [r.rss.retained[0], r.rss.retained.at(-1)];
  const flat = first !== undefined && last !== undefined && last.rss <= first.rss * 1.1;
  const row = (name: string, x: TRun) =>
    `| ${name} | ${x.count} | ${perWall(x).toFixed(0)} | ${perCpu(x).toFixed(0)} | ${((x.cpuSeconds * 1000) / x.count).toFixed(2)} | ${(x.bytes / x.count / 1024).toFixed(0)} |`;
  return `# Notice rendering benchmark

Measured ${new Date().toISOString()} by \`npm run bench:notices\` (or \`npm run bench\`) on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), Node ${process.version}; 1-minute load average ${r.load.toFixed(1)} at the start (the machine is shared).
${r.count.toLocaleString('en')} penalty notices (form 01, src/notices/render-notice.ts; ${r.pages} A4 page each) rendered one after the other in one process, which
rendering keeps on one core (it is synchronous); each has its own number, owner, plate, access code and QR code, and one
evidence JPEG (1280×720, ${Math.round(r.imageBytes / 1024)} KB on average, from a pool of 8). Baseline, same process, same run: a minimal pdfkit document
with the same two font faces (the same parsed fontkit fonts), the notice's text and the same JPEG, with no layout and no QR
code, and pdfkit's own per-document cache of laid-out words (the notices share theirs across documents, see
src/notices/layout-cache.ts; the third row gives the baseline that cache too). The notices first (RSS sampled every
${SAMPLE_EVERY} of them, and after a full garbage collection every ${RETAINED_EVERY}, outside the time measured; before the
baselines run), then the baselines, each after ${WARMUP} documents of warm-up. notices/s per core = documents
÷ CPU seconds of the process (user + system; GC threads included), so other load on the machine does not count.

| document | n | per s (wall) | per s per core (CPU) | CPU ms each | KB each |
| --- | ---: | ---: | ---: | ---: | ---: |
${row('notice', r.notice)}
${row('baseline: minimal pdfkit document', r.baseline)}
${row('context: the baseline with the notices\' shared word layouts', r.sharedBaseline)}

| RSS (MB), sampled every ${SAMPLE_EVERY} notices | value |
| --- | ---: |
| after the warm-up | ${r.rss.afterWarmup.toFixed(0)} |
| first half of the notices, lowest – highest | ${r.rss.firstHalf.map((x) => x.toFixed(0)).join(' – ')} |
| second half of the notices, lowest – highest | ${r.rss.secondHalf.map((x) => x.toFixed(0)).join(' – ')} |
| peak | ${r.rss.peak.toFixed(0)} |

| after a full GC, at notice | RSS MB | heap used MB |
| ---: | ---: | ---: |
${r.rss.retained.map((x) => `| ${x.i} | ${x.rss.toFixed(0)} | ${x.heap.toFixed(0)} |`).join('\n')}

| goal | measured | |
| --- | ---: | --- |
| ≥ 100 notices/s per core | ${perCpu(r.notice).toFixed(0)} | ${ok(perCpu(r.notice) >= 100)} |
| ≥ 0.7 × the baseline | ${ratio.toFixed(2)} × | ${ok(ratio >= 0.7)} |
| (context) notices / baseline with shared word layouts | ${(perCpu(r.notice) / perCpu(r.sharedBaseline)).toFixed(2)} × | |
| RSS flat after warm-up (after a full GC: at the end ≤ 1.1 × at ${RETAINED_EVERY}) | ${first?.rss.toFixed(0)} → ${last?.rss.toFixed(0)} MB | ${ok(flat)} |
`;
};

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const md = noticesMarkdown(await runNoticeBench());
  writeResultsSection(join(import.meta.dirname, 'results.md'), '# Notice rendering benchmark', md);
  process.stdout.write(md);
}
