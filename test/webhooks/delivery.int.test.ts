import { Webhook } from 'standardwebhooks';
import { WebhookEndpoint } from '../../src/db/entities';
import { newWebhookSecret } from '../../src/webhooks/secrets';
import { setUpWorkerAndReceiver, waitFor } from './delivery-support';

// Delivery as a receiver sees it: Standard Webhooks headers and signatures,
// checked with the `standardwebhooks` package rather than our own code.
// Generous for a loaded machine: every wait below is a poll with its own deadline, never a sleep.
jest.setTimeout(15_000);

const { f, receiver } = setUpWorkerAndReceiver();
beforeEach(() => {
  receiver.answer = () => 204;
});

const verify = (secret: string, r: { body: string; headers: Record<string, unknown> }) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>);

it('POSTs a signed { type, timestamp, data } with the Standard Webhooks headers, and logs the attempt', async () => {
  const t = await f.tenant();
  const endpoint = await t.addEndpoint({ url: receiver.url });
  const id = await t.publish('product.created', { id: 'UHJvZHVjdDox', name: 'Kayak' });
  await waitFor(async () => (await f.delivery(id)).status === 'SUCCEEDED', 'the delivery');

  const [request] = receiver.byId(id);
  expect(request!.headers).toMatchObject({
    'content-type': 'application/json',
    'user-agent': 'ScopeQL-Webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': expect.stringMatching(/^\d+$/),
    'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/=]+$/),
  });
  expect(verify(endpoint.secret, request!)).toEqual({
    type: 'product.created',
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    data: { id: 'UHJvZHVjdDox', name: 'Kayak' },
  });
  expect(() => verify(newWebhookSecret(), request!)).toThrow('No matching signature');

  const delivery = await f.delivery(id);
  expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null, lockedUntil: null });
  const attempts = await f.attempts(delivery.id);
  expect(attempts).toEqual([expect.objectContaining({ statusCode: 204, succeeded: true, error: null, latencyMs: expect.any(Number) })]);
});

it('signs with the old and the new secret while a rotated secret lives, then with the new one only', async () => {
  const t = await f.tenant();
  const [oldSecret, newSecret] = [newWebhookSecret(), newWebhookSecret()];
  const endpoint = await t.addEndpoint({
    url: receiver.url,
    secret: newSecret,
    previousSecret: oldSecret,
    previousSecretExpiresAt: new Date(Date.now() + 3_600_000),
  });
  const during = await t.publish();
  await waitFor(() => receiver.byId(during).length === 1, 'the delivery during rotation');
  const [request] = receiver.byId(during);
  expect(request!.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
  expect(verify(oldSecret, request!)).toMatchObject({ type: 'product.created' });
  expect(verify(newSecret, request!)).toMatchObject({ type: 'product.created' });

  await f.db.dataSource.getRepository(WebhookEndpoint).update({ id: endpoint.id }, { previousSecretExpiresAt: new Date(Date.now() - 1) });
  const after = await t.publish();
  await waitFor(() => receiver.byId(after).length === 1, 'the delivery after the grace period');
  const [later] = receiver.byId(after);
  expect(verify(newSecret, later!)).toMatchObject({ type: 'product.created' });
  expect(() => verify(oldSecret, later!)).toThrow('No matching signature');
});

it('retries a 5xx with the same webhook-id until a 2xx, and logs every attempt', async () => {
  const t = await f.tenant();
  const endpoint = await t.addEndpoint({ url: `${receiver.url}/flaky` });
  let calls = 0;
  receiver.answer = (r) => (r.path.endsWith('/flaky') && ++calls <= 2 ? 503 : 200);
  const id = await t.publish();
  await waitFor(async () => (await f.delivery(id)).status === 'SUCCEEDED', 'success after retries');

  const requests = receiver.byId(id);
  expect(requests).toHaveLength(3);
  expect(requests.map((r) => verify(endpoint.secret, r))).toEqual([0, 1, 2].map(() => expect.objectContaining({ type: 'product.created' })));
  const delivery = await f.delivery(id);
  expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
  expect((await f.attempts(delivery.id)).map((a) => [a.statusCode, a.succeeded])).toEqual([
    [503, false],
    [503, false],
    [200, true],
  ]);
  expect((await f.attempts(delivery.id))[0]!.error).toBe('HTTP 503');
  // The run of failures ended with the success.
  expect(await f.db.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpoint.id })).toMatchObject({ failingSince: null, enabled: true });
});

it('gives up after the last attempt of the schedule: FAILED, with the last error', async () => {
  const t = await f.tenant();
  const endpoint = await t.addEndpoint({ url: receiver.url });
  receiver.answer = () => 500;
  const id = await t.publish();
  await waitFor(async () => (await f.delivery(id)).status === 'FAILED', 'the delivery to fail');

  expect(receiver.byId(id)).toHaveLength(4); // WEBHOOK_RETRY_SCHEDULE=0,0.1,0.1,0.1
  expect(await f.delivery(id)).toMatchObject({ attempts: 4, lastStatusCode: 500, lastError: 'HTTP 500', nextAttemptAt: null });
  const stored = await f.db.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpoint.id });
  expect(stored.failingSince).toBeInstanceOf(Date);
  expect(stored.enabled).toBe(true); // failing for well under WEBHOOK_DISABLE_AFTER_MS
});

it('does not follow a redirect: a 3xx is a failed attempt', async () => {
  const t = await f.tenant();
  await t.addEndpoint({ url: receiver.url });
  receiver.answer = (r) => (r.path === '/elsewhere' ? 200 : { status: 302, headers: { location: '/elsewhere' } });
  const id = await t.publish();
  await waitFor(async () => (await f.delivery(id)).status === 'FAILED', 'the delivery to fail');

  expect(receiver.received.filter((r) => r.path === '/elsewhere')).toHaveLength(0);
  expect(await f.delivery(id)).toMatchObject({ lastStatusCode: 302, lastError: 'HTTP 302: redirect to /elsewhere not followed' });
});

it('keeps the start of an error response in the log, not all of it', async () => {
  const t = await f.tenant();
  await t.addEndpoint({ url: receiver.url });
  receiver.answer = () => ({ status: 400, body: `{"error":"unknown field"}${' x'.repeat(5_000)}` });
  const id = await t.publish();
  await waitFor(async () => (await f.delivery(id)).status === 'FAILED', 'the delivery to fail');
  const { lastError } = await f.delivery(id);
  expect(lastError).toMatch(/^HTTP 400: \{"error":"unknown field"\} x x/);
  expect(lastError!.length).toBeLessThan(300);
});
