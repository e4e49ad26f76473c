import type { TDb } from '../db/index.ts';

/** A notice as the notice page finds it by its number: what unlocks it and what it shows. */
export type TNoticeByNumber = {
  id: string;
  caseId: string;
  number: string;
  issuedAt: Date;
  pdfSha256: string | null;
  pdfBytes: number | null;
  accessCodeHash: string | null;
  sentAt: Date | null;
  responseDueAt: Date | null;
};

export const noticeByNumber = (db: TDb, number: string): Promise<TNoticeByNumber | null> =>
  db.notice.findUnique({
    where: { number },
    select: { id: true, caseId: true, number: true, issuedAt: true, pdfSha256: true, pdfBytes: true, accessCodeHash: true, sentAt: true, responseDueAt: true },
  });

/** A case's stored notice PDF (null: no notice, or not rendered yet), for the officers' download. */
export const noticeFileOfCase = async (db: TDb, caseId: string): Promise<{ number: string; sha256: string; bytes: number | null } | null> => {
  const n = await db.notice.findUnique({ where: { caseId }, select: { number: true, pdfSha256: true, pdfBytes: true } });
  return n?.pdfSha256 ? { number: n.number, sha256: n.pdfSha256, bytes: n.pdfBytes } : null;
};

/** The file name a notice PDF is offered under: `thong-bao-000123-TB-PC08.pdf`. */
export const noticeFileName = (number: string): string => `thong-bao-${number.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`;

/**
 * What happened to a case after its approval, for the officers who may see it: the notice
 * (never its access code's hash: only whether one is set), every delivery with its attempts
 * and provider outcome (the proof of service, addresses in full: the officer needs to know
 * where it went), the owner's responses and the escalations.
 */
export const caseNoticeRecord = async (db: TDb, caseId: string) => {
  const [notice, responses, escalations] = await Promise.all([
    db.notice.findUnique({
      where: { caseId },
      select: {
        id: true,
        number: true,
        language: true,
        issuedAt: true,
        pdfSha256: true,
        pdfBytes: true,
        accessCodeHash: true,
        sentAt: true,
        responseDueAt: true,
        deliveries: {
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: {
            id: true,
            channel: true,
            status: true,
            address: true,
            attempts: true,
            messageId: true,
            providerMessageId: true,
            lastError: true,
            postBatchId: true,
            createdAt: true,
            sendingAt: true,
            sentAt: true,
            deliveredAt: true,
            failedAt: true,
          },
        },
      },
    }),
    db.ownerResponse.findMany({
      where: { caseId },
      orderBy: [{ respondedAt: 'asc' }, { id: 'asc' }],
      select: { id: true, kind: true, driverName: true, driverIdNumber: true, note: true, respondedAt: true, officer: { select: { username: true, fullName: true } } },
    }),
    db.escalation.findMany({
      where: { caseId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, target: true, status: true, attempts: true, lastError: true, providerRef: true, sentAt: true, liftedAt: true, createdAt: true },
    }),
  ]);
  if (!notice) return { notice: null, deliveries: [], responses, escalations };
  const { accessCodeHash, deliveries, ...rest } = notice;
  return {
    notice: {
      ...rest,
      accessCode: accessCodeHash ? ('set' as const) : ('not set' as const),
      /** Officers download it at GET /v1/cases/:id/notice.pdf (null until rendered). */
      pdfUrl: rest.pdfSha256 ? `/v1/cases/${caseId}/notice.pdf` : null,
    },
    deliveries,
    responses,
    escalations,
  };
};

export type TCaseNoticeRecord = Awaited<ReturnType<typeof caseNoticeRecord>>;
