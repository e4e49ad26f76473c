// Progressive enhancement of the officers' pages: keyboard shortcuts, image zoom and
// decisions sent as JSON. Every action also works without this script (links, forms).
(() => {
  'use strict';
  const help = document.getElementById('help');
  const viewer = document.getElementById('viewer');
  const mainImage = document.getElementById('main-image');
  const caption = document.getElementById('main-caption');
  const bar = document.querySelector('.decision-bar');
  const status = bar && bar.querySelector('.decision-status');
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

  // Decisions go to the JSON API with the CSRF token in a header; the answer's error (409: the case moved) is shown in place.
  const sendDecision = async (f) => {
    const data = Object.fromEntries(new FormData(f));
    const csrf = data._csrf;
    delete data._csrf;
    for (const k of Object.keys(data)) if (data[k] === '') delete data[k];
    if (status) {
      status.classList.remove('failed');
      status.textContent = status.dataset.sending;
    }
    try {
      const res = await fetch(f.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(data),
      });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new Error((body.error && body.error.message) || String(res.status));
      }
      const body = await res.json().catch(() => ({}));
      location.assign(body && body.id ? `/review/cases/${body.id}` : '/review');
    } catch (err) {
      if (status) {
        status.classList.add('failed');
        status.textContent = status.dataset.failed.replace('%s', err.message);
      }
    }
  };
  for (const f of document.querySelectorAll('form[data-decision], form[data-next]')) {
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void sendDecision(f);
    });
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
    const key = ev.key;
    const act = {
      '?': toggleHelp,
      z: () => toggleZoom(),
      a: () => form('APPROVE') && form('APPROVE').requestSubmit(),
      r: () => form('REJECT') && setChoosing(true),
      e: () => form('ESCALATE') && form('ESCALATE').querySelector('input[name=note]').focus(),
      n: () => (queueLinks.length ? moveInQueue(1) : document.querySelector('form[data-next]')?.requestSubmit()),
      j: () => (queueLinks.length ? moveInQueue(1) : document.querySelector('form[data-next]')?.requestSubmit()),
      k: () => (queueLinks.length ? moveInQueue(-1) : location.assign('/review')),
    }[key];
    if (act) {
      ev.preventDefault();
      act();
    } else if (/^[1-9]$/.test(key) && thumbs.length) {
      ev.preventDefault();
      showImage(Number(key) - 1);
    }
  });
})();
