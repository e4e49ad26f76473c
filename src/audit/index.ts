export { chainHash, contentHash, draftAudit, verifyAuditChain } from './audit-log.ts';
export type { TAuditDraft, TAuditInput } from './audit-log.ts';
export { appendAudit, appendAuditSql } from './audit-sql.ts';
export type { TAppendOptions } from './audit-sql.ts';
