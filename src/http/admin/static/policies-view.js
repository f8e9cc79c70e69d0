// Scope policies: built-in ones (locked) first, then the account's own.

import { graphql, queries } from './api.js';
import { cell, chips, h } from './dom.js';

export async function renderPolicies() {
  const { scopePolicies } = await graphql(queries.policies);
  return h(
    'section',
    { class: 'screen', 'aria-labelledby': 'policies-title' },
    h('div', { class: 'screen-head' }, h('h1', { id: 'policies-title', tabindex: '-1' }, 'Scope policies')),
    h(
      'p',
      { class: 'lead' },
      'A policy is a named scope list that keys hold. ALLOW grants its scopes; DENY grants every other non-admin scope and denies its own — a deny always wins. ',
      'Attach policies to a key in its create or edit form; create and change them with the ',
      h('code', {}, 'createScopePolicy'),
      ' / ',
      h('code', {}, 'updateScopePolicy'),
      ' mutations.',
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table policy-table' },
        h('caption', { class: 'visually-hidden' }, 'Scope policies of this account'),
        h('thead', {}, h('tr', {}, ['Name', 'Mode', 'Scopes', 'Kind'].map((label) => h('th', { scope: 'col' }, label)))),
        h(
          'tbody',
          {},
          scopePolicies.map((policy) =>
            h(
              'tr',
              {},
              cell('Name', h('strong', {}, policy.name)),
              cell('Mode', h('span', { class: `badge badge-${policy.mode.toLowerCase()}` }, policy.mode)),
              cell('Scopes', chips(policy.scopes, { empty: policy.mode === 'DENY' ? 'denies nothing: every non-admin scope' : 'none' })),
              cell('Kind', policy.builtIn ? h('span', { class: 'tag' }, 'built in · locked') : h('span', { class: 'muted' }, 'custom')),
            ),
          ),
        ),
      ),
    ),
  );
}
