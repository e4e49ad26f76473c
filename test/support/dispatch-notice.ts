import PDFDocument from 'pdfkit';
import type { CalendarCache } from '../../src/clock/index.ts';
import type { TDb } from '../../src/db/index.ts';
import type { DeliveryChannel } from '../../src/generated/prisma/enums.ts';
import { issueNotices, type TNoticeDocument } from '../../src/notices/index.ts';
import type { ContentStore } from '../../src/storage/index.ts';
import { seedApprovedCase, type TApprovedCaseOptions } from './approved-case.ts';

/** A small valid PDF naming the notice (the real renderer is tested on its own). */
export const testNoticePdf = (doc: TNoticeDocument): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const pdf = new PDFDocument({ size: 'A4', info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    pdf.text(`Notice ${doc.number}`);
    pdf.end();
  });

export type TNoticeParts = { db: TDb; evidence: ContentStore; notices: ContentStore; calendar: CalendarCache; publicBaseUrl?: string; channels?: readonly DeliveryChannel[] };

/**
 * An approved case taken through the notice stage (numbered, PDF stored, NOTICE_ISSUED,
 * first delivery PENDING): what the dispatch stage receives.
 */
export const seedNoticeToDispatch = async (p: TNoticeParts, o: TApprovedCaseOptions = {}) => {
  const c = await seedApprovedCase(p.db, p.evidence, o);
  const [outcome] = await issueNotices(
    { db: p.db, evidence: p.evidence, notices: p.notices, calendar: p.calendar, publicBaseUrl: p.publicBaseUrl ?? 'http://localhost:3000', channels: p.channels ?? ['EMAIL', 'EID', 'POST'], render: testNoticePdf },
    [c.caseId],
  );
  if (!outcome || outcome instanceof Error || outcome.kind !== 'issued') throw new Error(`notice not issued: ${String(outcome instanceof Error ? outcome.message : outcome?.kind)}`);
  const notice = await p.db.notice.findUniqueOrThrow({ where: { caseId: c.caseId }, include: { deliveries: true } });
  return { ...c, notice, deliveryId: notice.deliveries[0]!.id, number: outcome.number };
};
