// The citizens' side: for now the notice page the QR code on a notice opens (later: look-up
// by plate, responses, disputes, payments).
export { clientKey } from './notice-access.ts';
export type { TCodeOutcome, TNoticeAccessDeps } from './notice-access.ts';
export { noticePageRoutes } from './notice-routes.ts';
export type { TNoticePageDeps } from './notice-routes.ts';
export type { TCitizenNoticeView } from './notice-view.ts';
