import { ApiKey, WebhookEndpoint } from '../../src/db/entities';
import { setUpWorkerAndReceiver, waitFor, type Tenant } from './delivery-support';

// Contract §7: a delivery is skipped (and logged) once the subscribing key can
// no longer read what the event carries. Nothing reaches the receiver then.
// Generous for a loaded machine: every wait below is a poll with its own deadline, never a sleep.
jest.setTimeout(15_000);

const { f, receiver } = setUpWorkerAndReceiver();

/** A tenant whose key (products:read) subscribed an endpoint to product events. */
async function subscribed(): Promise<{ t: Tenant; keyId: number; endpoint: WebhookEndpoint }> {
  const t = await f.tenant();
  const { key } = await f.services.keys.create(t.operator, { name: 'integration', scopes: ['products:read', 'customers:read'] });
  const endpoint = await t.addEndpoint({ url: receiver.url, events: ['product.*'], createdByKeyId: key.id });
  return { t, keyId: key.id, endpoint };
}

async function expectSkipped(messageId: string, reason: string) {
  await waitFor(async () => (await f.delivery(messageId)).status !== 'PENDING', 'the delivery to be decided');
  const delivery = await f.delivery(messageId);
  expect(delivery).toMatchObject({ status: 'SKIPPED', lastError: reason, attempts: 0, nextAttemptAt: null, lockedUntil: null });
  expect(await f.attempts(delivery.id)).toEqual([]);
  expect(receiver.byId(messageId)).toEqual([]);
}

it('delivers while the subscribing key holds the read scope', async () => {
  const { t } = await subscribed();
  const id = await t.publish('product.created');
  await waitFor(async () => (await f.delivery(id)).status === 'SUCCEEDED', 'the delivery');
  expect(receiver.byId(id)).toHaveLength(1);
});

it('skips when the key no longer holds the scope (its scopes were updated)', async () => {
  const { t, keyId } = await subscribed();
  await f.services.keys.update(t.operator, keyId, { scopes: ['customers:read'] });
  await expectSkipped(await t.publish('product.updated'), `the subscribing key ${keyId} no longer holds products:read`);
});

it('skips when a policy the key holds stops granting the scope', async () => {
  const t = await f.tenant();
  const policy = await f.services.policies.create(t.operator, { name: 'catalog readers', mode: 'ALLOW', scopes: ['products:read'] });
  const { key } = await f.services.keys.create(t.operator, { name: 'via policy', scopes: ['customers:read'], policyIds: [policy.id] });
  await t.addEndpoint({ url: receiver.url, events: ['product.*'], createdByKeyId: key.id });
  const before = await t.publish('product.created');
  await waitFor(() => receiver.byId(before).length === 1, 'the delivery while the policy grants products:read');

  await f.services.policies.update(t.operator, policy.id, { scopes: ['bookings:read'] });
  await expectSkipped(await t.publish('product.updated'), `the subscribing key ${key.id} no longer holds products:read`);
});

it('skips when the key was revoked', async () => {
  const { t, keyId } = await subscribed();
  await f.services.keys.revoke(t.operator, keyId);
  await expectSkipped(await t.publish('product.created'), `the subscribing key ${keyId} is revoked`);
});

it('skips when the key expired', async () => {
  const { t, keyId } = await subscribed();
  await f.db.dataSource.getRepository(ApiKey).update({ id: keyId }, { expiresAt: new Date(Date.now() - 1_000) });
  await expectSkipped(await t.publish('product.created'), `the subscribing key ${keyId} is expired`);
});

it('skips when the key was deleted', async () => {
  const { t, keyId } = await subscribed();
  await f.services.keys.delete(t.operator, keyId);
  await expectSkipped(await t.publish('product.created'), `the subscribing key ${keyId} was deleted`);
});

it('always delivers to an endpoint the operator made (no subscribing key)', async () => {
  const t = await f.tenant();
  await t.addEndpoint({ url: receiver.url, createdByKeyId: null });
  const id = await t.publish('api_key.revoked', { id: 'QXBpS2V5OjE=' });
  await waitFor(() => receiver.byId(id).length === 1, 'the delivery');
});

it('skips a delivery whose endpoint was disabled after the event was queued', async () => {
  const t = await f.tenant();
  const endpoint = await t.addEndpoint({ url: receiver.url });
  await f.services.webhookWorker.stop();
  try {
    const id = await t.publish();
    await f.db.dataSource.getRepository(WebhookEndpoint).update({ id: endpoint.id }, { enabled: false, disabledReason: 'paused by its owner' });
    f.services.webhookWorker.start();
    await expectSkipped(id, 'endpoint disabled: paused by its owner');
  } finally {
    f.services.webhookWorker.start();
  }
});
