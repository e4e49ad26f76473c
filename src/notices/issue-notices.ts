import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/index.ts';
import { addDays, isPastLimitation, startOfDay, vietnamDate, vietnamTimeOfDayMs, type CalendarCache } from '../clock/index.ts';
import type { TDb, TTx } from '../db/index.ts';
import { CASE_MACHINE } from '../cases/index.ts';
import { channelPlan, planDelivery, type TChannelAddress } from '../dispatch/index.ts';
import type { DeliveryChannel } from '../generated/prisma/enums.ts';
import type { ContentStore } from '../storage/index.ts';
import { moveEntities } from '../workflow/index.ts';
import { generateAccessCode, hashAccessCode } from './access-code.ts';
import type { TNoticeDocument } from './notice-document.ts';
import { loadNoticeCases, noticeDocument, type TNoticeCase } from './notice-facts.ts';
import { DEFAULT_NOTICE_NUMBER_PATTERN, formatNoticeNumber } from './notice-number.ts';

export type TNoticeStageDeps = {
  db: TDb;
  /** Where the evidence images are read from. */
  evidence: ContentStore;
  /** Where notice PDFs are stored, by their sha256. */
  notices: ContentStore;
  calendar: CalendarCache;
  publicBaseUrl: string;
  /** Delivery channels in fallback order (DELIVERY_CHANNELS). */
  channels: readonly DeliveryChannel[];
  render: (doc: TNoticeDocument) => Promise<Buffer>;
  /** POST_BATCH_HOUR: a notice whose first channel is the post and that is issued after it goes out the next day. */
  postBatchHour?: number;
  now?: () => Date;
};

/** When the first channel is expected to send: at once, or for the post the day's print batch (the next day's, once it is made). */
const expectedSending = (first: TChannelAddress, at: Date, postBatchHour: number | undefined): Date =>
  first.channel === 'POST' && postBatchHour !== undefined && vietnamTimeOfDayMs(at) >= postBatchHour * 3_600_000
    ? startOfDay(addDays(vietnamDate(at), 1))
    : at;

export type TNoticeOutcome = { kind: 'issued'; number: string } | { kind: 'already-issued' } | { kind: 'not-approved' } | { kind: 'time-barred' } | { kind: 'missing' };

type TNumbered = { id: string; number: string; issuedAt: Date; language: string };

/**
 * Numbers the case's notice: the issuing agency's sequence for the year is taken and
 * incremented in the transaction that creates the notice, so a rolled-back attempt gives
 * its number back and the sequence has neither holes nor repeats. The case row is locked
 * first, so two workers on one case wait for each other and the second finds the notice.
 */
const numberNotice = (db: TDb, c: TNoticeCase, at: Date): Promise<TNumbered | null> =>
  db.$transaction(async (tx: TTx) => {
    const [locked] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM "case" WHERE id = ${c.id}::uuid FOR UPDATE`;
    if (locked?.status !== 'APPROVED') return null;
    const [existing] = await tx.$queryRaw<TNumbered[]>`
      SELECT id::text, number, issued_at AS "issuedAt", language FROM notice WHERE case_id = ${c.id}::uuid`;
    if (existing) return existing;
    const agency = c.detectingAgency!;
    const year = Number(vietnamDate(at).slice(0, 4));
    const [seq] = await tx.$queryRaw<{ last: number }[]>`
      INSERT INTO notice_sequence (agency_id, year, last) VALUES (${agency.id}::uuid, ${year}, 1)
      ON CONFLICT (agency_id, year) DO UPDATE SET last = notice_sequence.last + 1
      RETURNING last`;
    const number = formatNoticeNumber(agency.noticeNumberPattern ?? DEFAULT_NOTICE_NUMBER_PATTERN, { seq: seq!.last, year, code: agency.code });
    const id = randomUUID();
    // In the owner's language, fixed with the number: a later change of preference does not rewrite an issued notice.
    const language = c.owner?.noticeLanguage === 'en' ? 'en' : 'vi';
    await tx.$executeRaw`
      INSERT INTO notice (id, case_id, agency_id, year, seq, number, issued_at, language)
      VALUES (${id}::uuid, ${c.id}::uuid, ${agency.id}::uuid, ${year}, ${seq!.last}, ${number}, ${at}, ${language})`;
    await appendAudit(tx, { actor: 'system:notice', entityType: 'notice', entityId: id, action: 'notice.number', data: { caseId: c.id, number, agency: agency.code, year, seq: seq!.last } });
    return { id, number, issuedAt: at, language };
  });

class LeftApproved extends Error {}

/**
 * Records the stored PDF on the notice and moves the case to NOTICE_ISSUED with its first
 * delivery planned, in one transaction. Only the first attempt to finish records its PDF
 * (the notice's hash never changes once set); a later one changes nothing.
 */
const recordIssued = (deps: TNoticeStageDeps, c: TNoticeCase, n: TNumbered, first: TChannelAddress, pdf: { sha256: string; bytes: number }, codeHash: string) =>
  deps.db.$transaction(async (tx: TTx) => {
    const updated = await tx.$executeRaw`
      UPDATE notice SET pdf_sha256 = ${pdf.sha256}, pdf_bytes = ${pdf.bytes}, access_code_hash = ${codeHash}, updated_at = now()
      WHERE id = ${n.id}::uuid AND pdf_sha256 IS NULL`;
    if (updated === 0) return false;
    const moved = await moveEntities(tx, CASE_MACHINE, {
      path: ['APPROVED', 'NOTICE_ISSUED'],
      rows: [c],
      id: (x) => x.id,
      why: () => ({ data: { noticeId: n.id, number: n.number, pdfSha256: pdf.sha256 } }),
    });
    if (!moved.has(c.id)) throw new LeftApproved();
    await planDelivery(tx, n, first);
    return true;
  });

const issueOne = async (deps: TNoticeStageDeps, c: TNoticeCase | undefined): Promise<TNoticeOutcome> => {
  if (!c) return { kind: 'missing' };
  if (c.status !== 'APPROVED') return c.notice?.pdfSha256 ? { kind: 'already-issued' } : { kind: 'not-approved' };
  if (!c.owner || !c.detectingAgency) throw new Error(`case ${c.id}: approved without an owner or a detecting agency`);
  const now = (deps.now ?? (() => new Date()))();
  // Past the limitation the capture founds no sanction (Decree 168 Art 4.1): no notice, whatever
  // the deadlines task (which moves the case to TIME_BARRED) has got round to.
  if (isPastLimitation(c.firstCapturedAt, now)) return { kind: 'time-barred' };
  const first = channelPlan(c.owner, deps.channels)[0];
  if (!first) throw new Error(`case ${c.id}: no delivery channel reaches its owner`);
  const numbered = c.notice ?? (await numberNotice(deps.db, c, now));
  if (!numbered) return { kind: 'not-approved' };
  // A fresh code on every attempt: only the attempt that records its PDF keeps its hash.
  const code = generateAccessCode();
  const calendar = await deps.calendar.get();
  const [doc, codeHash] = await Promise.all([
    noticeDocument({ db: deps.db, evidence: deps.evidence, calendar, publicBaseUrl: deps.publicBaseUrl }, c, { ...numbered, expectedSentAt: expectedSending(first, numbered.issuedAt, deps.postBatchHour) }, code),
    hashAccessCode(code),
  ]);
  const bytes = await deps.render(doc);
  const sha256 = await deps.notices.put(bytes);
  try {
    return (await recordIssued(deps, c, numbered, first, { sha256, bytes: bytes.length }, codeHash)) ? { kind: 'issued', number: numbered.number } : { kind: 'already-issued' };
  } catch (err) {
    if (!(err instanceof LeftApproved)) throw err;
    // Numbered, but the case left APPROVED before its PDF was recorded: the number stays used, and says why.
    await appendAudit(deps.db, { actor: 'system:notice', entityType: 'notice', entityId: numbered.id, action: 'notice.void', reason: 'the case left APPROVED before the notice was issued', data: { caseId: c.id, number: numbered.number } });
    return { kind: 'not-approved' };
  }
};

/** The notice stage: each approved case gets its number, its PDF and its first delivery. */
export const issueNotices = async (deps: TNoticeStageDeps, ids: readonly string[]): Promise<(TNoticeOutcome | Error)[]> => {
  const cases = new Map((await loadNoticeCases(deps.db, ids)).map((c) => [c.id, c]));
  const out: (TNoticeOutcome | Error)[] = [];
  for (const id of ids) out.push(await issueOne(deps, cases.get(id)).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
  return out;
};

