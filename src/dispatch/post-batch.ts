import { buffer } from 'node:stream/consumers';
import { PDFDocument } from 'pdf-lib';
import { endOfDay, vietnamDate, vietnamTimeOfDayMs, type CalendarCache, type TDay } from '../clock/index.ts';
import type { TDb, TTx } from '../db/index.ts';
import type { TMetrics } from '../metrics/index.ts';
import type { ContentStore } from '../storage/index.ts';
import { moveEntities } from '../workflow/index.ts';
import { loadDeliveries, recordNoticeSent, type TDeliveryRow } from './delivery-records.ts';
import { displayPlate } from '../plates/index.ts';
import { DELIVERY_MACHINE, noticeStillDue, standDownReason } from './delivery-machine.ts';

export type TPostBatchDeps = { db: TDb; notices: ContentStore; calendar: CalendarCache; metrics?: Pick<TMetrics, 'deliveries'>; now?: () => Date };

export type TPostBatchFiles = { id: string; day: string; count: number; pdfSha256: string; manifestSha256: string; pdfPath: string; manifestPath: string };

export type TPostBatchResult = { kind: 'made' | 'exists'; batch: TPostBatchFiles } | { kind: 'empty'; day: string };

const ACTOR = 'system:post-batch';

/** A CSV field: quoted when it holds a separator, a quote or a line break (RFC 4180). */
const csvField = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

type TManifestRow = { number: string; owner: string; address: string; plate: string; firstPage: number; lastPage: number; deliveryId: string };

/** The mail house's manifest: one line per notice, its pages in the merged PDF. UTF-8 with a BOM, so spreadsheets show the diacritics. */
export const manifestCsv = (rows: readonly TManifestRow[]): Buffer => {
  const lines = [['number', 'owner', 'address', 'plate', 'pages', 'delivery_id'], ...rows.map((r) => [r.number, r.owner, r.address, r.plate, `${r.firstPage}-${r.lastPage}`, r.deliveryId])];
  return Buffer.from(`\uFEFF${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`, 'utf8');
};

/**
 * The stored notice PDFs one after another in one document, in the given order. Fixed
 * metadata dates: the same notices make the same bytes, so a batch made again after a
 * crash stores the same file.
 */
const mergePdfs = async (deps: TPostBatchDeps, day: TDay, rows: readonly TDeliveryRow[]) => {
  const merged = await PDFDocument.create();
  const fixed = new Date(`${day}T00:00:00Z`);
  merged.setTitle(`Thông báo gửi bưu điện ngày ${day}`);
  merged.setProducer('phat-nguoi');
  merged.setCreator('phat-nguoi');
  merged.setCreationDate(fixed);
  merged.setModificationDate(fixed);
  const manifest: TManifestRow[] = [];
  for (const d of rows) {
    const source = await PDFDocument.load(await buffer(deps.notices.read(d.notice.pdfSha256!)));
    const pages = await merged.copyPages(source, source.getPageIndices());
    const firstPage = merged.getPageCount() + 1;
    for (const p of pages) merged.addPage(p);
    manifest.push({ number: d.notice.number, owner: d.notice.case.owner?.name ?? '', address: d.address, plate: displayPlate(d.notice.case.plate), firstPage, lastPage: merged.getPageCount(), deliveryId: d.id });
  }
  return { pdf: Buffer.from(await merged.save({ useObjectStreams: false })), manifest: manifestCsv(manifest) };
};

const filesOf = (deps: TPostBatchDeps, b: { id: string; day: string; count: number; pdfSha256: string; manifestSha256: string }): TPostBatchFiles => ({
  ...b,
  pdfPath: deps.notices.pathOf(b.pdfSha256),
  manifestPath: deps.notices.pathOf(b.manifestSha256),
});

const standDown = (deps: TPostBatchDeps, rows: readonly TDeliveryRow[], at: Date) => {
  const reason = (d: TDeliveryRow) => standDownReason(d.notice.case, at);
  return deps.db.$transaction((tx: TTx) =>
    moveEntities(tx, DELIVERY_MACHINE, {
      path: ['QUEUED', 'FAILED'],
      rows,
      id: (d) => d.id,
      actor: ACTOR,
      at,
      why: (d) => ({ reason: reason(d), data: { noticeId: d.notice.id, number: d.notice.number } }),
      set: { last_error: ['text', reason], failed_at: ['timestamptz', () => at] },
    }),
  );
};

/**
 * The day's print batch for the mail house: every post delivery QUEUED by the end of `day`
 * (Vietnam), merged into one PDF with a CSV manifest, both in the notices store, and in
 * one transaction the PostBatch row and those deliveries QUEUED → SENT (the post counts
 * as sent when handed to the mail house). One batch per day: made again, the day's batch
 * is found and nothing changes. A crash before the transaction leaves the files unreferenced
 * and no delivery marked; the next run makes them again (same bytes).
 */
export const makePostBatch = async (deps: TPostBatchDeps, day: TDay = vietnamDate((deps.now ?? (() => new Date()))())): Promise<TPostBatchResult> => {
  const existing = await deps.db.postBatch.findUnique({ where: { day } });
  if (existing) return { kind: 'exists', batch: filesOf(deps, existing) };
  const queued = await deps.db.delivery.findMany({
    where: { status: 'QUEUED', channel: 'POST', updatedAt: { lte: endOfDay(day) } },
    // In notice number order: the mail house and an officer find a notice in the batch by it.
    orderBy: [{ notice: { number: 'asc' } }, { id: 'asc' }],
    select: { id: true },
  });
  if (queued.length === 0) return { kind: 'empty', day };
  const byId = new Map((await loadDeliveries(deps.db, { ids: queued.map((q) => q.id) })).map((d) => [d.id, d]));
  const ready = queued.map((q) => byId.get(q.id)!).filter((d) => d.status === 'QUEUED' && d.notice.pdfSha256);
  // A case resolved or time-barred since its delivery was queued needs no letter: not printed, audited why.
  const at = (deps.now ?? (() => new Date()))();
  const moot = ready.filter((d) => !noticeStillDue(d.notice.case, at));
  if (moot.length > 0) await standDown(deps, moot, at);
  const rows = ready.filter((d) => noticeStillDue(d.notice.case, at));
  if (rows.length === 0) return { kind: 'empty', day };
  const files = await mergePdfs(deps, day, rows);
  const [pdfSha256, manifestSha256] = [await deps.notices.put(files.pdf), await deps.notices.put(files.manifest)];
  const calendar = await deps.calendar.get();
  const made = await deps.db.$transaction(async (tx: TTx) => {
    // The cases again, locked: one resolved while the PDFs were merged must not be printed.
    const ids = [...new Set(rows.map((d) => d.notice.case.id))].sort();
    const now = await tx.$queryRaw<{ id: string; status: string; firstCapturedAt: Date }[]>`
      SELECT id::text, status::text, first_captured_at AS "firstCapturedAt" FROM "case" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
    if (now.some((c) => !noticeStillDue(c, at))) throw new Error(`post batch ${day}: a case was resolved while the batch was made; run it again`);
    const [batch] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO post_batch (id, day, pdf_sha256, manifest_sha256, count)
      VALUES (gen_random_uuid(), ${day}, ${pdfSha256}, ${manifestSha256}, ${rows.length})
      ON CONFLICT (day) DO NOTHING RETURNING id::text`;
    // Another run made the day's batch meanwhile.
    if (!batch) return null;
    const moved = await moveEntities(tx, DELIVERY_MACHINE, {
      path: ['QUEUED', 'SENT'],
      rows,
      id: (d) => d.id,
      actor: ACTOR,
      at,
      why: (d) => ({ data: { noticeId: d.notice.id, number: d.notice.number, postBatchId: batch.id, day } }),
      set: { post_batch_id: ['uuid', () => batch.id], sent_at: ['timestamptz', () => at] },
    });
    // A delivery left QUEUED while the batch was made would be printed but not marked: start over.
    if (moved.size !== rows.length) throw new Error(`post batch ${day}: ${rows.length - moved.size} deliveries changed while it was made; run it again`);
    for (const d of rows) await recordNoticeSent(tx, d, at, calendar, ACTOR);
    return batch.id;
  });
  if (!made) {
    const other = await deps.db.postBatch.findUniqueOrThrow({ where: { day } });
    return { kind: 'exists', batch: filesOf(deps, other) };
  }
  deps.metrics?.deliveries.inc({ channel: 'POST', outcome: 'sent' }, rows.length);
  return { kind: 'made', batch: filesOf(deps, { id: made, day, count: rows.length, pdfSha256, manifestSha256 }) };
};

/** Whether the day's batch is due: after POST_BATCH_HOUR, Vietnam time. */
export const postBatchDue = (at: Date, hour: number): boolean => vietnamTimeOfDayMs(at) >= hour * 3_600_000;
