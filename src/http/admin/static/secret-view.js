// The new key, shown once. The secret is in this screen's field and closure
// only; "I have copied it" (or leaving the screen) removes it from the page,
// and nothing else in the console ever shows more than the prefix.

import { h } from './dom.js';

export function renderSecret(app, { secret, key }) {
  const field = h('input', {
    id: 'new-key-secret',
    type: 'text',
    readonly: true,
    value: secret,
    class: 'secret-field',
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': 'new-key-warning',
  });
  const copyStatus = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      copyStatus.textContent = 'Copied to the clipboard.';
    } catch {
      // No clipboard access (an insecure origin, or permission refused): select it for Ctrl+C.
      field.focus();
      field.select();
      copyStatus.textContent = 'The browser refused clipboard access: the key is selected, press Ctrl+C (⌘C on a Mac) to copy it.';
    }
  };

  const screen = h(
    'section',
    { class: 'screen secret-screen', 'aria-labelledby': 'secret-title' },
    h('h1', { id: 'secret-title', tabindex: '-1' }, `Key “${key.name}” created`),
    h(
      'div',
      { class: 'notice notice-warning', id: 'new-key-warning' },
      h('strong', {}, 'Copy this key now. It will not be shown again.'),
      ' ScopeQL keeps only a hash of it: once you leave this screen, only its prefix ',
      h('code', {}, `${key.prefix}…`),
      ' is shown. Store it in a password manager or your server’s secret store, never in source code. If it is lost, create a new key.',
    ),
    h('label', { for: 'new-key-secret' }, 'Your new API key'),
    h('div', { class: 'secret-row' }, field, h('button', { type: 'button', class: 'button', onclick: copy }, 'Copy key')),
    copyStatus,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'button button-primary',
          onclick: async () => {
            field.value = '';
            screen.remove();
            await app.go('keys');
            app.announce(`Key “${key.name}” is ready. Only its prefix ${key.prefix}… is shown from now on.`);
          },
        },
        'I have copied it',
      ),
    ),
  );
  return screen;
}
