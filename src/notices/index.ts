export { generateAccessCode, hashAccessCode, normaliseAccessCode, verifyAccessCode } from './access-code.ts';
export { issueNotices } from './issue-notices.ts';
export type { TNoticeOutcome, TNoticeStageDeps } from './issue-notices.ts';
export type { TNoticeDocument } from './notice-document.ts';
export { issuerOf, loadNoticeCases, noticeDocument, noticePath } from './notice-facts.ts';
export type { TNoticeCase } from './notice-facts.ts';
export { DEFAULT_NOTICE_NUMBER_PATTERN, formatNoticeNumber, ZNoticeNumberPattern } from './notice-number.ts';
export { noticesSentSql } from './notice-sent.ts';
