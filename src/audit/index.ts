export { appendAudit, chainHash, firstAuditRow, verifyAuditChain } from './audit-log.ts';
export type { TAuditInput, TAuditRow } from './audit-log.ts';
