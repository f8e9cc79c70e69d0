// One key: what it is and holds, its unused-scope report and its request log.

import { ApiError, graphql, queries } from './api.js';
import { cell, chips, h, statusBadge, time, uid } from './dom.js';
import { deleteKey, revokeKey } from './key-actions.js';

const LOG_PAGE = 25;

export async function renderKeyDetail(app, { id }) {
  const { node: key } = await graphql(queries.key, { id });
  if (!key) throw new ApiError([{ message: 'This key does not exist any more.', extensions: { code: 'NOT_FOUND' } }], 200);

  const reload = () => app.go('detail', { id });
  const facts = [
    ['Prefix', h('code', {}, `${key.prefix}…`)],
    ['Type', key.type === 'SECRET' ? 'Secret (servers)' : 'Publishable (browsers, read only)'],
    ['Status', statusBadge(key.status)],
    ['Created', [time(key.createdAt), key.createdBy ? ` by ${key.createdBy.name} (${key.createdBy.prefix}…)` : ' by an operator (CLI)']],
    ['Last used', time(key.lastUsedAt, 'never')],
    ['Expires', time(key.expiresAt, 'never')],
    ['IP allowlist', chips(key.ipAllowlist, { empty: 'any address' })],
    key.type === 'PUBLISHABLE' ? ['Allowed origins', chips(key.allowedOrigins, { empty: 'any origin' })] : null,
    ['Scopes', chips(key.scopes)],
    ['Bundles', chips(key.bundles)],
    ['Policies', chips(key.policies.map((p) => `${p.name} (${p.mode})`))],
    ['Effective scopes', chips(key.effectiveScopes, { kind: 'chip-effective' })],
  ].filter(Boolean);

  return h(
    'section',
    { class: 'screen', 'aria-labelledby': 'detail-title' },
    h(
      'div',
      { class: 'screen-head' },
      h('h1', { id: 'detail-title', tabindex: '-1' }, key.name),
      h(
        'div',
        { class: 'actions' },
        key.status !== 'REVOKED' ? h('button', { type: 'button', class: 'button', onclick: () => app.go('edit', { id }) }, 'Edit') : null,
        key.status === 'ACTIVE' ? h('button', { type: 'button', class: 'button button-danger-quiet', onclick: () => revokeKey(app, key, reload) }, 'Revoke') : null,
        h('button', { type: 'button', class: 'button button-danger-quiet', onclick: () => deleteKey(app, key, () => app.go('keys')) }, 'Delete'),
      ),
    ),
    h('button', { type: 'button', class: 'link back', onclick: () => app.go('keys') }, '← All keys'),
    h('dl', { class: 'facts card' }, facts.map(([term, value]) => h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, value)))),
    await scopeUsageSection(app, key),
    await requestLogSection(app, key),
  );
}

/**
 * ApiKey.scopeUsage (contract section 5): which granted scopes the key's
 * requests needed over the last N days. A server without the field answers
 * GRAPHQL_VALIDATION_FAILED; the section then says so instead of failing the screen.
 */
async function scopeUsageSection(app, key) {
  const body = h('div', { class: 'usage-body' });
  const days = h(
    'select',
    { id: 'usage-days', onchange: () => load() },
    [7, 30, 90].map((n) => h('option', { value: String(n), selected: n === 30 }, `last ${n} days`)),
  );
  const load = async () => {
    body.setAttribute('aria-busy', 'true');
    try {
      const { node } = await graphql(queries.scopeUsage, { id: key.id, days: Number(days.value) });
      body.replaceChildren(usageReport(app, key, node.scopeUsage));
    } catch (error) {
      const missing = error instanceof ApiError && error.code === 'GRAPHQL_VALIDATION_FAILED' && /scopeUsage/.test(error.message);
      body.replaceChildren(
        h(
          'p',
          { class: 'notice notice-info' },
          missing
            ? 'This server does not offer the unused-scope report (ApiKey.scopeUsage) yet.'
            : ['The report could not be loaded: ', h('strong', {}, error.code ?? 'ERROR'), ' ', error.message],
        ),
      );
    } finally {
      body.removeAttribute('aria-busy');
    }
  };
  await load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'usage-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'usage-title' }, 'Unused scopes'), h('label', { for: 'usage-days', class: 'visually-hidden' }, 'Period'), days),
    h('p', { class: 'hint' }, 'Which of its scopes the key’s requests actually needed. Removing what it never uses limits the damage if it leaks.'),
    body,
  );
}

function usageReport(app, key, usage) {
  const suggestion = usage.suggestedScopes;
  const differs = [...suggestion].sort().join() !== [...key.scopes].sort().join();
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'usage-grid' },
      usageGroup('Used', chips(usage.usedScopes, { empty: 'no scope used in this period' })),
      usageGroup('Unused', chips(usage.unusedScopes, { empty: 'none: every scope was used', kind: 'chip-unused' })),
      usageGroup('Suggested scopes', chips(suggestion, { empty: 'none' })),
    ),
    differs && key.status !== 'REVOKED'
      ? h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'button', onclick: () => app.go('edit', { id: key.id, scopes: suggestion }) }, 'Review the suggested scopes'),
        )
      : null,
  );
}

function usageGroup(title, content) {
  const id = uid('usage');
  return h('div', { role: 'group', 'aria-labelledby': id }, h('h3', { id }, title), content);
}

async function requestLogSection(app, key) {
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'button' }, 'Load older requests');
  let cursor = null;
  const addPage = async (after) => {
    const { node } = await graphql(queries.requestLogs, { id: key.id, first: LOG_PAGE, after });
    const page = node.requestLogs;
    for (const { node: log } of page.edges) tbody.append(logRow(log));
    cursor = page.pageInfo.endCursor;
    more.hidden = !page.pageInfo.hasNextPage;
    return page.edges.length;
  };
  const count = await addPage(null);
  more.addEventListener('click', () => app.attempt(() => addPage(cursor)));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'log-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'log-title' }, 'Request log')),
    h('p', { class: 'hint' }, 'Newest first. Requests refused with 401 (bad, revoked or expired key) are in no key’s log.'),
    count === 0
      ? h('p', { class: 'empty' }, 'No requests with this key yet.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table log-table' },
            h('caption', { class: 'visually-hidden' }, `Requests made with ${key.name}`),
            h('thead', {}, h('tr', {}, ['Time', 'Operation', 'Root fields', 'Outcome', 'Duration', 'Client address'].map((label) => h('th', { scope: 'col' }, label)))),
            tbody,
          ),
        ),
    more,
  );
}

function logRow(log) {
  return h(
    'tr',
    {},
    cell('Time', time(log.at, '—', true)),
    cell('Operation', log.operationName ?? h('span', { class: 'muted' }, 'anonymous')),
    cell('Root fields', chips(log.rootFields, { empty: 'none (refused)' })),
    cell('Outcome', h('span', { class: log.outcome === 'OK' ? 'outcome outcome-ok' : 'outcome outcome-error' }, log.outcome)),
    cell('Duration', `${log.durationMs} ms`),
    cell('Client address', h('code', {}, log.clientAddress)),
  );
}
