export { renderErrorPage, wantsHtml } from './error-page.ts';
export { formatters, languageOf, LANGS, rememberLanguage, translator } from './lang.ts';
export type { TLang, TTranslate } from './lang.ts';
export { decisionOfForm, pageRoutes, responseOfForm } from './page-routes.ts';
export type { TOfficerAuth, TPrincipal, TRole } from './principal.ts';
export { PAGES_DIR, renderPage } from './render.ts';
export { adminRoutes } from './admin-routes.ts';
export { QUEUE_DASHBOARD_PATH, queueDashboard, sameOriginWrites } from './queue-dashboard.ts';
export { supervisorRoutes } from './supervisor-routes.ts';
