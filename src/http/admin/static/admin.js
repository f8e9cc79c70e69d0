// The admin console's shell: the key prompt, navigation between screens, the
// status and error regions and the confirmation dialog. Each screen is a module
// exporting a render function that returns its element.

import { ApiError, forgetKey, graphql, queries, setKey } from './api.js';
import { h } from './dom.js';
import { renderKeyDetail } from './key-detail.js';
import { renderCreateKey, renderEditKey } from './key-form.js';
import { renderKeys } from './keys-view.js';
import { renderPolicies } from './policies-view.js';
import { renderSecret } from './secret-view.js';

const $ = (id) => document.getElementById(id);

const SCREENS = {
  keys: { title: 'API keys', tab: 'keys', render: renderKeys },
  create: { title: 'Create key', tab: 'create', render: renderCreateKey },
  secret: { title: 'Key created', tab: 'create', render: renderSecret },
  edit: { title: 'Edit key', tab: 'keys', render: renderEditKey },
  detail: { title: 'Key details', tab: 'keys', render: renderKeyDetail },
  policies: { title: 'Policies', tab: 'policies', render: renderPolicies },
};

/** What every screen gets: the session, navigation, messages and confirmation. */
const app = {
  /** { account, apiKey, effectiveScopes: Set, scopes, bundles } once a key is accepted. */
  session: null,
  go,
  announce,
  fail,
  confirm,
  /** Runs an action, showing its ApiError (and signing out on a refused key); resolves to its result or undefined. */
  async attempt(action, options = {}) {
    try {
      return await action();
    } catch (error) {
      fail(error, options);
      return undefined;
    }
  },
};

let renderToken = 0;

async function go(screen, params = {}) {
  const spec = SCREENS[screen];
  const token = ++renderToken;
  clearError();
  // A message belongs to the screen it was shown on; callers announce after go().
  announce('');
  const view = $('view');
  view.setAttribute('aria-busy', 'true');
  for (const tab of document.querySelectorAll('#nav .tab')) {
    if (tab.dataset.view === spec.tab) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  let content;
  try {
    content = await spec.render(app, params);
  } catch (error) {
    if (token !== renderToken) return;
    content = h('section', {}, h('h1', { tabindex: '-1' }, spec.title), h('p', { class: 'muted' }, 'This screen could not be loaded.'));
    fail(error);
  }
  // A later navigation won the race: drop this one.
  if (token !== renderToken || !app.session) return;
  view.replaceChildren(content);
  view.removeAttribute('aria-busy');
  document.title = `${spec.title} · ScopeQL admin`;
  // Screen-reader and keyboard users land on the new screen's heading.
  content.querySelector('h1')?.focus();
}

function announce(message) {
  $('status').textContent = message;
}

function clearError() {
  $('error').hidden = true;
  $('error').replaceChildren();
}

/**
 * Shows an error with the API's extensions.code and message; a refused key ends
 * the session. `focus` moves focus to it (after a form submission, so the
 * message is read and in view however far down the form the button was).
 */
function fail(error, { focus = false } = {}) {
  const errors = error instanceof ApiError ? error.errors : [{ message: String(error?.message ?? error) }];
  const box = $('error');
  box.replaceChildren(
    h(
      'ul',
      { class: 'error-list' },
      errors.map((e) =>
        h(
          'li',
          {},
          e.extensions?.code ? h('strong', { class: 'error-code' }, e.extensions.code) : null,
          ' ',
          e.message,
          e.extensions?.missingScopes?.length ? h('span', { class: 'error-detail' }, ` Missing: ${e.extensions.missingScopes.join(', ')}.`) : null,
          e.extensions?.suggestions?.length ? h('span', { class: 'error-detail' }, ` Did you mean: ${e.extensions.suggestions.join(', ')}?`) : null,
        ),
      ),
    ),
  );
  box.hidden = false;
  if (focus) box.focus();
  else box.scrollIntoView({ block: 'nearest' });
  if (error instanceof ApiError && error.keyRefused && app.session) signOut(false);
}

/**
 * An accessible confirmation: a modal <dialog> (the rest of the page is inert
 * while it is open), focus on Cancel so Enter never destroys by accident,
 * Escape cancels, and focus goes back to the button that asked.
 */
function confirm({ title, body, action }) {
  const dialog = $('confirm');
  const opener = document.activeElement;
  $('confirm-title').textContent = title;
  $('confirm-body').textContent = body;
  $('confirm-ok').textContent = action;
  return new Promise((resolve) => {
    const close = (answer) => {
      $('confirm-ok').removeEventListener('click', ok);
      $('confirm-cancel').removeEventListener('click', cancel);
      dialog.removeEventListener('cancel', cancel);
      dialog.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    };
    const ok = () => close(true);
    const cancel = (event) => {
      event?.preventDefault();
      close(false);
    };
    $('confirm-ok').addEventListener('click', ok);
    $('confirm-cancel').addEventListener('click', cancel);
    dialog.addEventListener('cancel', cancel);
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}

function renderSignIn(message) {
  $('session').hidden = true;
  $('nav').hidden = true;
  $('read-only').hidden = true;
  document.title = 'Sign in · ScopeQL admin';
  const input = h('input', {
    id: 'admin-key',
    name: 'admin-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'off',
    required: true,
    'aria-describedby': 'admin-key-hint',
  });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Open console');
  const form = h(
    'form',
    { class: 'card signin', novalidate: true },
    h('h1', { tabindex: '-1' }, 'Manage API keys'),
    h('p', {}, 'Paste an API key that holds ', h('code', {}, 'keys:write'), ' to list, create, edit, revoke and delete the keys of its account.'),
    h('label', { for: 'admin-key' }, 'Admin API key'),
    input,
    h(
      'p',
      { id: 'admin-key-hint', class: 'hint' },
      'The key is kept in this tab’s memory only: never stored, never put in a URL. Reloading the page or “Forget key” drops it. ',
      'A key grants only scopes it holds itself. No key yet? ',
      h('code', {}, 'npx scopeql keys create --account acme --name console --bundles full'),
    ),
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      fail(new Error('Paste an API key first.'));
      input.focus();
      return;
    }
    submit.disabled = true;
    // The field is emptied at once: from here on the key is only in api.js.
    input.value = '';
    await signIn(key);
    submit.disabled = false;
  });
  $('view').replaceChildren(form);
  $('view').removeAttribute('aria-busy');
  if (message) announce(message);
  input.focus();
}

async function signIn(key) {
  clearError();
  setKey(key);
  let data;
  try {
    data = await graphql(queries.session);
  } catch (error) {
    forgetKey();
    fail(error);
    $('admin-key')?.focus();
    return;
  }
  const { viewer, scopes, scopeBundles } = data;
  app.session = {
    account: viewer.account,
    apiKey: viewer.apiKey,
    effectiveScopes: new Set(viewer.effectiveScopes),
    scopes,
    bundles: scopeBundles,
  };
  $('session-account').textContent = viewer.account.name;
  $('session-key').textContent = viewer.apiKey.prefix;
  $('session-key').title = viewer.apiKey.name;
  $('session').hidden = false;
  $('nav').hidden = false;
  $('read-only').hidden = app.session.effectiveScopes.has('keys:write');
  await go('keys');
}

function signOut(clearMessages = true) {
  forgetKey();
  app.session = null;
  renderToken++;
  if (clearMessages) clearError();
  renderSignIn(clearMessages ? 'The key was forgotten.' : '');
}

document.addEventListener('DOMContentLoaded', () => {
  for (const tab of document.querySelectorAll('#nav .tab')) {
    tab.addEventListener('click', () => void go(tab.dataset.view));
  }
  $('forget-key').addEventListener('click', () => signOut(true));
  renderSignIn();
});
