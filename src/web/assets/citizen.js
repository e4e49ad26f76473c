// The notice page's code form: the QR code on a notice opens /notices/<number>#code=XXXXXXXXXX.
// The fragment never reaches a server (no log holds the code); this script reads it, drops it
// from the address bar and history, fills the form and sends it. Without the script a citizen
// types the printed code.
(() => {
  'use strict';
  const form = document.querySelector('[data-code-form]');
  if (!form) return;
  const input = form.querySelector('input[name=code]');
  const button = form.querySelector('button[type=submit]');
  const found = /(?:^#|&)code=([A-Za-z0-9-]{1,32})(?:&|$)/.exec(location.hash);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  form.addEventListener('submit', () => {
    button.disabled = true;
    button.textContent = button.dataset.opening;
  });
  // A code the server refused is not sent again (the page then shows why, with the form).
  if (found && !document.querySelector('[data-field=error]')) {
    input.value = found[1];
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }
})();
