// Revoke and delete: both permanent, so both go through the confirmation dialog.

import { graphql, queries } from './api.js';

/** Said before revoking or deleting the very key the console is signed in with. */
function ownKey(app, key) {
  return app.session.apiKey.id === key.id ? ' This is the key this console is signed in with: the console stops working with it too.' : '';
}

export async function revokeKey(app, key, after) {
  const yes = await app.confirm({
    title: `Revoke “${key.name}”?`,
    body: `Every request with ${key.prefix}… fails with KEY_REVOKED from the next one on. Revoking cannot be undone: an integration using this key needs a new one.${ownKey(app, key)}`,
    action: 'Revoke key',
  });
  if (!yes) return;
  const done = await app.attempt(() => graphql(queries.revokeKey, { id: key.id }));
  if (!done) return;
  await after();
  app.announce(`Key “${key.name}” revoked.`);
}

export async function deleteKey(app, key, after) {
  const yes = await app.confirm({
    title: `Delete “${key.name}”?`,
    body: `The key ${key.prefix}… and its request log are removed for good, and any request with it fails with UNAUTHENTICATED. The audit trail keeps a record of the key.${ownKey(app, key)}`,
    action: 'Delete key',
  });
  if (!yes) return;
  const done = await app.attempt(() => graphql(queries.deleteKey, { id: key.id }));
  if (!done) return;
  await after();
  app.announce(`Key “${key.name}” deleted.`);
}
