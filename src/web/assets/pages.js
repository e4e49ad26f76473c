// Progressive enhancement of the officers' pages: keyboard shortcuts, image zoom, decisions
// sent as JSON and the claim's heartbeat. Every action also works without this script:
// the forms post to the page routes (urlencoded, with _csrf) and links are links.
(() => {
  'use strict';
  const help = document.getElementById('help');
  const viewer = document.getElementById('viewer');
  const mainImage = document.getElementById('main-image');
  const caption = document.getElementById('main-caption');
  const bar = document.querySelector('.decision-bar');
  const status = bar && bar.querySelector('.decision-status');
  const csrf = bar ? bar.dataset.csrf : (document.querySelector('input[name=_csrf]') || {}).value;
  const thumbs = [...document.querySelectorAll('[data-image]')];
  const queueLinks = [...document.querySelectorAll('[data-queue] a.plate')];
  let choosingReason = false;
  let reasonTimer;

  const toggleHelp = () => {
    if (!help) return;
    if (help.open) help.close();
    else help.showModal();
  };
  const toggleZoom = (on) => {
    if (!viewer) return;
    const zoomed = on === undefined ? !viewer.classList.contains('zoomed') : on;
    viewer.classList.toggle('zoomed', zoomed);
    if (zoomed) viewer.focus();
  };
  const showImage = (i) => {
    const b = thumbs[i];
    if (!b || !mainImage) return;
    mainImage.src = b.dataset.image;
    mainImage.alt = b.dataset.caption;
    if (caption) caption.textContent = b.dataset.caption;
    for (const t of thumbs) t.removeAttribute('aria-current');
    b.setAttribute('aria-current', 'true');
  };
  const setChoosing = (on) => {
    choosingReason = on;
    if (bar) bar.classList.toggle('choosing-reason', on);
    clearTimeout(reasonTimer);
    if (on) reasonTimer = setTimeout(() => setChoosing(false), 4000);
  };
  const form = (decision) => document.querySelector(`form[data-decision="${decision}"]`);
  const say = (text, failed) => {
    if (!status) return;
    status.classList.toggle('failed', !!failed);
    status.textContent = text;
  };
  const api = (url, method, body) =>
    fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf || '' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  // After a decision the claim is gone: take the next case (204: none waits, back to the queue).
  const goNext = async () => {
    const res = await api('/v1/review/next', 'POST', {});
    const body = res.status === 200 ? await res.json() : null;
    location.assign(body && body.id ? `/review/cases/${body.id}` : '/review?m=decided');
  };

  // Decisions go to the JSON API with the CSRF token in a header; its error (409: the case moved) is shown in place.
  const sendDecision = async (f) => {
    const data = Object.fromEntries(new FormData(f));
    delete data._csrf;
    for (const k of Object.keys(data)) if (data[k] === '') delete data[k];
    if (data.amount !== undefined) data.amount = Number(data.amount);
    say(status && status.dataset.sending);
    try {
      const res = await api(bar.dataset.api, 'POST', data);
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        const err = body.error || {};
        const moved = res.status === 409 ? `${bar.dataset.moved} (${(err.details && err.details.status) || ''}) ` : '';
        throw new Error(moved + (err.message || String(res.status)));
      }
      await goNext();
    } catch (err) {
      say(status.dataset.failed.replace('%s', err.message), true);
    }
  };
  for (const f of document.querySelectorAll('form[data-decision]')) {
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void sendDecision(f);
    });
  }

  // The claim's heartbeat: renewed every third of the lease while the page is open; lost (409/404), the decisions go.
  if (bar && bar.dataset.claim !== undefined) {
    const every = Number(bar.dataset.renewMs) || 200_000;
    const timer = setInterval(async () => {
      const res = await api(`/v1/review/claims/${bar.dataset.case}/renew`, 'POST').catch(() => null);
      if (res && (res.status === 409 || res.status === 404 || res.status === 410)) {
        clearInterval(timer);
        bar.classList.add('lost');
        for (const b of bar.querySelectorAll('form[data-decision] button')) b.disabled = true;
        say(bar.dataset.lost, true);
      }
    }, every);
  }

  for (const [i, b] of thumbs.entries()) b.addEventListener('click', () => showImage(i));
  for (const b of document.querySelectorAll('[data-help]')) b.addEventListener('click', toggleHelp);
  for (const b of document.querySelectorAll('[data-zoom]')) b.addEventListener('click', () => toggleZoom());
  if (mainImage) mainImage.addEventListener('click', () => toggleZoom());

  const moveInQueue = (step) => {
    if (queueLinks.length === 0) return;
    const at = queueLinks.indexOf(document.activeElement);
    const next = at === -1 ? 0 : Math.min(queueLinks.length - 1, Math.max(0, at + step));
    queueLinks[next].focus();
  };
  const submit = (selector) => {
    const f = document.querySelector(selector);
    if (f) f.requestSubmit();
    return !!f;
  };

  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const typing = ev.target instanceof HTMLElement && ev.target.matches('input, textarea, select, [contenteditable]');
    if (ev.key === 'Escape') {
      if (viewer && viewer.classList.contains('zoomed')) toggleZoom(false);
      setChoosing(false);
      if (typing) ev.target.blur();
      return;
    }
    if (typing) return;
    if (choosingReason && /^[1-9]$/.test(ev.key)) {
      ev.preventDefault();
      setChoosing(false);
      const f = form('REJECT');
      const select = f && f.querySelector('select[name=reason]');
      const option = select && select.options[Number(ev.key) - 1];
      if (!option) return;
      select.value = option.value;
      if (option.value === 'OTHER') f.querySelector('input[name=note]').focus();
      else f.requestSubmit();
      return;
    }
    const act = {
      '?': toggleHelp,
      '/': () => document.querySelector('.filters select, .filters input')?.focus(),
      z: () => toggleZoom(),
      a: () => form('APPROVE') && form('APPROVE').requestSubmit(),
      r: () => form('REJECT') && setChoosing(true),
      e: () => form('ESCALATE') && form('ESCALATE').querySelector('input[name=note]').focus(),
      n: () => submit('form[data-next]'),
      j: () => moveInQueue(1),
      k: () => (queueLinks.length ? moveInQueue(-1) : submit('form[data-release]') || location.assign('/review')),
    }[ev.key];
    if (act) {
      ev.preventDefault();
      act();
    } else if (/^[1-9]$/.test(ev.key) && thumbs.length) {
      ev.preventDefault();
      showImage(Number(ev.key) - 1);
    }
  });
})();
