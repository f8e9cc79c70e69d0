// Create and edit a key: name, type, expiry, IP allowlist (and allowed
// origins for publishable keys), scopes by category, bundles and policies.
// Editing never regenerates the secret, and sends only the fields that changed.

import { ApiError, graphql, queries } from './api.js';
import { h, lines, toLocalInput, uid } from './dom.js';
import { scopePicker } from './scope-picker.js';

export async function renderCreateKey(app) {
  const { scopePolicies } = await graphql(queries.policies);
  return keyForm(app, { policies: scopePolicies });
}

/** params.scopes preselects scopes (the unused-scope report's suggestion) instead of the key's own. */
export async function renderEditKey(app, { id, scopes }) {
  const [{ node }, { scopePolicies }] = await Promise.all([graphql(queries.key, { id }), graphql(queries.policies)]);
  if (!node) throw new ApiError([{ message: 'This key does not exist any more.', extensions: { code: 'NOT_FOUND' } }], 200);
  return keyForm(app, { key: node, policies: scopePolicies, presetScopes: scopes });
}

function field(label, control, hint) {
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('p', { id: hintId, class: 'hint' }, hint) : null);
}

function checkboxGroup(legend, description, items) {
  return h(
    'fieldset',
    { class: 'option-group' },
    h('legend', {}, legend),
    h('p', { class: 'hint' }, description),
    items.length === 0
      ? h('p', { class: 'muted' }, 'None.')
      : items.map(({ value, label, detail, checked, disabled }) => {
          const id = uid('opt');
          return h(
            'div',
            { class: 'scope-option' },
            h('input', { type: 'checkbox', id, value, checked, disabled, 'aria-describedby': `${id}-detail` }),
            h('div', {}, h('label', { for: id }, label), h('p', { id: `${id}-detail`, class: 'hint' }, detail)),
          );
        }),
  );
}

function policyDetail(policy) {
  const list = policy.scopes.join(', ');
  if (policy.mode === 'ALLOW') return list ? `Grants ${list}.` : 'Grants nothing.';
  return list ? `Grants every non-admin scope except ${list}, and denies those.` : 'Grants every non-admin scope.';
}

const checkedValues = (group) => [...group.querySelectorAll('input[type=checkbox]:checked')].map((box) => box.value);
const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

function keyForm(app, { key, policies, presetScopes }) {
  const editing = Boolean(key);
  const { session } = app;

  const name = h('input', { id: 'key-name', name: 'name', type: 'text', required: true, maxlength: '100', autocomplete: 'off', value: key?.name ?? '' });
  const types = ['SECRET', 'PUBLISHABLE'].map((type) =>
    h('input', { type: 'radio', name: 'type', id: `key-type-${type.toLowerCase()}`, value: type, checked: (key?.type ?? 'SECRET') === type, disabled: editing }),
  );
  const expiry = h('input', { id: 'key-expiry', name: 'expiresAt', type: 'datetime-local', value: toLocalInput(key?.expiresAt) });
  const allowlist = h('textarea', { id: 'key-allowlist', name: 'ipAllowlist', rows: '3', spellcheck: 'false', value: (key?.ipAllowlist ?? []).join('\n') });
  const origins = h('textarea', { id: 'key-origins', name: 'allowedOrigins', rows: '2', spellcheck: 'false', value: (key?.allowedOrigins ?? []).join('\n') });
  const originsField = field('Allowed origins (optional)', origins, 'One browser origin per line, e.g. https://shop.example.com. Requests from any other page get ORIGIN_NOT_ALLOWED.');

  const picker = scopePicker({ scopes: session.scopes, held: session.effectiveScopes, selected: presetScopes ?? key?.scopes ?? [] });
  const heldPolicy = new Set((key?.policies ?? []).map((p) => p.id));
  const bundles = checkboxGroup(
    'Bundles (optional)',
    'Named sets of scopes, expanded at each request: editing a bundle changes every key using it.',
    session.bundles.map((bundle) => ({ value: bundle.name, label: bundle.name, detail: `${bundle.description} ${bundle.scopes.join(', ')}`, checked: key?.bundles.includes(bundle.name) })),
  );
  const policyGroup = checkboxGroup(
    'Policies (optional)',
    'A key holds the union of its scopes, bundles and ALLOW policies, minus every DENY policy.',
    policies.map((policy) => ({
      value: policy.id,
      label: `${policy.name} (${policy.mode})`,
      detail: policyDetail(policy),
      checked: heldPolicy.has(policy.id),
    })),
  );

  const publishable = () => types[1].checked;
  const typeChanged = () => {
    picker.setPublishable(publishable());
    originsField.hidden = !publishable();
  };
  for (const radio of types) radio.addEventListener('change', typeChanged);
  typeChanged();

  const submit = h('button', { type: 'submit', class: 'button button-primary' }, editing ? 'Save changes' : 'Create key');
  const cancel = h('button', { type: 'button', class: 'button', onclick: () => (editing ? app.go('detail', { id: key.id }) : app.go('keys')) }, 'Cancel');

  const form = h(
    'form',
    { class: 'key-form', 'aria-labelledby': 'key-form-title' },
    h('div', { class: 'screen-head' }, h('h1', { id: 'key-form-title', tabindex: '-1' }, editing ? `Edit “${key.name}”` : 'Create an API key')),
    editing
      ? h('p', { class: 'lead' }, 'Editing keeps the key ', h('code', {}, `${key.prefix}…`), ': the secret does not change, and the new settings apply from its next request.')
      : h('p', { class: 'lead' }, 'Give the key only the scopes its integration needs. The full key is shown once, right after it is created.'),
    presetScopes ? h('p', { class: 'notice notice-info' }, 'The scopes below are the unused-scope report’s suggestion. Review them, then save.') : null,
    h(
      'div',
      { class: 'form-grid' },
      field('Name', name, 'What uses the key, e.g. “Website booking widget”. Unique in the account.'),
      h(
        'fieldset',
        { class: 'field type-field' },
        h('legend', {}, 'Type'),
        h('div', { class: 'radio' }, types[0], h('label', { for: types[0].id }, h('strong', {}, 'Secret'), ' ', h('code', {}, 'sk_live_'), ' — for servers')),
        h('div', { class: 'radio' }, types[1], h('label', { for: types[1].id }, h('strong', {}, 'Publishable'), ' ', h('code', {}, 'pk_live_'), ' — for browsers, read scopes only')),
        editing ? h('p', { class: 'hint' }, 'The type of a key cannot change.') : null,
      ),
      field('Expires (optional)', expiry, 'Your local time. Leave empty for a key that never expires.'),
      field('IP allowlist (optional)', allowlist, 'One IPv4/IPv6 address or CIDR range per line. Requests from anywhere else get IP_NOT_ALLOWED. Empty: any address.'),
      originsField,
    ),
    picker.element,
    h('div', { class: 'form-grid' }, bundles, policyGroup),
    h('div', { class: 'actions form-actions' }, submit, cancel),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = {
      name: name.value.trim(),
      scopes: picker.selected(),
      bundles: checkedValues(bundles),
      policyIds: checkedValues(policyGroup),
      expiry: expiry.value,
      ipAllowlist: lines(allowlist.value),
      allowedOrigins: publishable() ? lines(origins.value) : [],
    };
    submit.disabled = true;
    try {
      if (editing) await save(app, key, values);
      else await create(app, values, publishable() ? 'PUBLISHABLE' : 'SECRET');
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

async function create(app, values, type) {
  const input = { name: values.name, type, scopes: values.scopes, bundles: values.bundles, policyIds: values.policyIds };
  if (values.expiry) input.expiresAt = new Date(values.expiry).toISOString();
  if (values.ipAllowlist.length) input.ipAllowlist = values.ipAllowlist;
  if (values.allowedOrigins.length) input.allowedOrigins = values.allowedOrigins;
  const result = await app.attempt(() => graphql(queries.createKey, { input }), { focus: true });
  if (!result) return;
  const { secret, apiKey } = result.createApiKey;
  await app.go('secret', { secret, key: apiKey });
}

async function save(app, key, values) {
  const input = { id: key.id };
  if (values.name !== key.name) input.name = values.name;
  if (!sameSet(values.scopes, key.scopes)) input.scopes = values.scopes;
  if (!sameSet(values.bundles, key.bundles)) input.bundles = values.bundles;
  if (!sameSet(values.policyIds, key.policies.map((p) => p.id))) input.policyIds = values.policyIds;
  // Compared in the input's own minute precision, so an untouched expiry is not rewritten.
  if (values.expiry !== toLocalInput(key.expiresAt)) input.expiresAt = values.expiry ? new Date(values.expiry).toISOString() : null;
  if (!sameSet(values.ipAllowlist, key.ipAllowlist ?? [])) input.ipAllowlist = values.ipAllowlist.length ? values.ipAllowlist : null;
  if (key.type === 'PUBLISHABLE' && !sameSet(values.allowedOrigins, key.allowedOrigins ?? [])) {
    input.allowedOrigins = values.allowedOrigins.length ? values.allowedOrigins : null;
  }
  if (Object.keys(input).length === 1) {
    app.announce('Nothing to save: no field changed.');
    return;
  }
  const result = await app.attempt(() => graphql(queries.updateKey, { input }), { focus: true });
  if (!result) return;
  await app.go('detail', { id: key.id });
  app.announce(`Changes to “${result.updateApiKey.apiKey.name}” saved. The key itself is unchanged.`);
}
