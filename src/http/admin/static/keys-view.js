// The key list: name, prefix, scopes, created, last used and status, with
// edit, revoke and delete on each row. A narrow screen shows each row as a card.

import { graphql, queries } from './api.js';
import { ago, cell, chips, day, h, statusBadge } from './dom.js';
import { revokeKey, deleteKey } from './key-actions.js';

const PAGE = 50;

export async function renderKeys(app, { status = '' } = {}) {
  const first = await graphql(queries.keys, { first: PAGE, status: status || null });

  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'button' }, 'Load more keys');
  let cursor = null;
  const addPage = (connection) => {
    for (const { node } of connection.edges) tbody.append(keyRow(app, node, status));
    cursor = connection.pageInfo.endCursor;
    more.hidden = !connection.pageInfo.hasNextPage;
  };
  addPage(first.apiKeys);
  more.addEventListener('click', () =>
    app.attempt(async () => {
      more.disabled = true;
      const next = await graphql(queries.keys, { first: PAGE, after: cursor, status: status || null }).finally(() => (more.disabled = false));
      addPage(next.apiKeys);
    }),
  );

  const filter = h(
    'select',
    { id: 'key-status-filter', onchange: (event) => app.go('keys', { status: event.target.value }) },
    [
      ['', 'All keys'],
      ['ACTIVE', 'Active'],
      ['REVOKED', 'Revoked'],
      ['EXPIRED', 'Expired'],
    ].map(([value, label]) => h('option', { value, selected: value === status }, label)),
  );

  const empty = first.apiKeys.edges.length === 0;
  return h(
    'section',
    { class: 'screen', 'aria-labelledby': 'keys-title' },
    h(
      'div',
      { class: 'screen-head' },
      h('h1', { id: 'keys-title', tabindex: '-1' }, 'API keys'),
      h('button', { type: 'button', class: 'button button-primary', onclick: () => app.go('create') }, 'Create key'),
    ),
    h(
      'p',
      { class: 'lead' },
      'Each key holds only the scopes it needs. The full key is shown once, when it is created; afterwards only its prefix.',
    ),
    h('div', { class: 'toolbar' }, h('label', { for: 'key-status-filter' }, 'Show'), filter),
    empty
      ? h('p', { class: 'empty' }, status ? 'No keys with this status.' : 'No keys yet. Create the first one for an integration.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table key-table' },
            h('caption', { class: 'visually-hidden' }, 'API keys of this account'),
            h(
              'thead',
              {},
              h('tr', {}, ['Name', 'Prefix', 'Scopes', 'Created', 'Last used', 'Status', 'Actions'].map((label) => h('th', { scope: 'col' }, label))),
            ),
            tbody,
          ),
        ),
    more,
  );
}

function keyRow(app, key, status) {
  const reload = () => app.go('keys', { status });
  const access = [
    key.scopes.length ? chips(key.scopes, { limit: 5 }) : null,
    key.bundles.length ? chips(key.bundles.map((b) => `bundle: ${b}`), { kind: 'chip-bundle' }) : null,
    !key.scopes.length && !key.bundles.length ? h('span', { class: 'muted' }, 'policies only or none') : null,
  ];
  return h(
    'tr',
    { 'data-key-id': key.id },
    cell(
      'Name',
      h('button', { type: 'button', class: 'link', onclick: () => app.go('detail', { id: key.id }) }, key.name),
      key.type === 'PUBLISHABLE' ? h('span', { class: 'tag' }, 'publishable') : null,
    ),
    cell('Prefix', h('code', { class: 'prefix' }, `${key.prefix}…`)),
    cell('Scopes', access),
    cell('Created', day(key.createdAt)),
    cell('Last used', ago(key.lastUsedAt)),
    cell('Status', statusBadge(key.status), key.expiresAt && key.status === 'ACTIVE' ? h('span', { class: 'hint expires' }, 'expires ', day(key.expiresAt)) : null),
    cell(
      'Actions',
      h(
        'div',
        { class: 'row-actions' },
      key.status !== 'REVOKED'
        ? h('button', { type: 'button', class: 'button button-small', 'aria-label': `Edit ${key.name}`, onclick: () => app.go('edit', { id: key.id }) }, 'Edit')
        : null,
      key.status === 'ACTIVE'
        ? h(
            'button',
            { type: 'button', class: 'button button-small button-danger-quiet', 'aria-label': `Revoke ${key.name}`, onclick: () => revokeKey(app, key, reload) },
            'Revoke',
          )
        : null,
      h(
        'button',
        { type: 'button', class: 'button button-small button-danger-quiet', 'aria-label': `Delete ${key.name}`, onclick: () => deleteKey(app, key, reload) },
          'Delete',
        ),
      ),
    ),
  );
}
