export { appendAudit, chainHash, firstAuditRow, verifyAuditChain } from './audit-log.ts';
export type { TAuditInput, TAuditRow } from './audit-log.ts';
export { appendAuditSql, chainHashSql, draftAudit } from './audit-sql.ts';
export type { TAuditDraft } from './audit-sql.ts';
export { contentHash } from './audit-log.ts';
