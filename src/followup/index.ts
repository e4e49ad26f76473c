// The statutory clock after sending (README "After sending"): the deadlines task, the
// escalations and their stage, the owner's response.
export { deadlineStatus } from './deadline-status.ts';
export type { TDeadlineStatus } from './deadline-status.ts';
export { httpEscalationAdapter, unconfiguredEscalationAdapter } from './escalation-adapter.ts';
export type { TEscalationAdapter, TEscalationRequest, THttpEscalationOptions } from './escalation-adapter.ts';
export { ESCALATION_MACHINE } from './escalation-machine.ts';
export { escalationStage } from './escalation-stage.ts';
export type { TEscalationOutcome } from './escalation-stage.ts';
/** For the moves that resolve a case (PAID, CLOSED, when they come): lift its escalations in their transaction. */
export { liftEscalations } from './lift-escalations.ts';
export type { TLiftReport } from './lift-escalations.ts';
export { noticeLimitWarnings } from './notice-limit.ts';
export type { TNoticeLimitCase, TNoticeLimitWarnings } from './notice-limit.ts';
export { followupView, recordOwnerResponse, ZOwnerResponse } from './owner-response.ts';
export type { TFollowupView, TOwnerResponseInput, TRecordedResponse } from './owner-response.ts';
export { followupRoutes, parseOwnerResponse } from './routes.ts';
export { runDeadlines } from './run-deadlines.ts';
export type { TDeadlinesReport } from './run-deadlines.ts';
