import { text } from '../shared/templates.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The login page: a plain form, every value escaped. A stand-in until the pages' template
 * engine takes it over; its strings live in templates/vi/login.json.
 */
export const loginPage = (opts: { next: string; username?: string; error?: string }): string => {
  const t = (key: string) => escapeHtml(text('login', key));
  const error = opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : '';
  return `<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t('title')}</title></head>
<body>
<main>
<h1>${t('heading')}</h1>
${error}
<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(opts.next)}">
<p><label for="username">${t('username')}</label><br><input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(opts.username ?? '')}"></p>
<p><label for="password">${t('password')}</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">${t('submit')}</button></p>
</form>
</main>
</body>
</html>`;
};
