import { CalendarCache } from '../../src/clock/index.ts';
import type { TDb } from '../../src/db/index.ts';
import { issueNotices, type TNoticeDocument } from '../../src/notices/index.ts';
import type { ContentStore } from '../../src/storage/index.ts';
import { seedApprovedCase, type TApprovedCase, type TApprovedCaseOptions } from './approved-case.ts';
import { testNoticePdf } from './dispatch-notice.ts';

export type TIssuedNotice = TApprovedCase & { number: string; code: string; qrPath: string };

/**
 * An approved case put through the notice stage (src/notices issueNotices) with a test
 * renderer, which keeps the access code it was given to print: the one thing a test cannot
 * read back from the database.
 */
export const seedIssuedNotice = async (db: TDb, stores: { evidence: ContentStore; notices: ContentStore }, o: TApprovedCaseOptions = {}): Promise<TIssuedNotice> => {
  const seeded = await seedApprovedCase(db, stores.evidence, o);
  let printed: TNoticeDocument['access'] | undefined;
  const [outcome] = await issueNotices(
    {
      db,
      evidence: stores.evidence,
      notices: stores.notices,
      calendar: new CalendarCache(db),
      publicBaseUrl: 'http://notices.test',
      channels: ['EMAIL', 'EID', 'POST'],
      render: (doc) => {
        printed = doc.access;
        return testNoticePdf(doc);
      },
    },
    [seeded.caseId],
  );
  if (!outcome || outcome instanceof Error || outcome.kind !== 'issued' || !printed) throw new Error(`notice not issued: ${String(outcome instanceof Error ? outcome.message : JSON.stringify(outcome))}`);
  return { ...seeded, number: outcome.number, code: printed.code, qrPath: printed.qrUrl.replace('http://notices.test', '') };
};
