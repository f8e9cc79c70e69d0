import { WebhookDelivery, WebhookEndpoint } from '../../src/db/entities';
import { servicesOn, setUpWorkerAndReceiver, waitFor } from './delivery-support';

// What happens to endpoints that fail: 410 Gone, failing too long, timeouts,
// and URLs the SSRF guard refuses at send time.
// Generous for a loaded machine: every wait below is a poll with its own deadline, never a sleep.
jest.setTimeout(15_000);

const { f, receiver } = setUpWorkerAndReceiver();
beforeEach(() => {
  receiver.answer = () => 204;
});

const endpointRow = (id: number) => f.db.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id });
const auditOf = (accountId: number, endpointId: number) =>
  f.services.audit.list(accountId, { limit: 10 }, { targetType: 'WebhookEndpoint', targetId: endpointId });

/** Runs `work` with this file's worker swapped for one with other settings, on the same database. */
async function withWorker(env: Record<string, string>, work: () => Promise<void>) {
  await f.services.webhookWorker.stop();
  const other = servicesOn(f.db.dataSource, env);
  other.webhookWorker.start();
  try {
    await work();
  } finally {
    await other.webhookWorker.stop();
    f.services.webhookWorker.start();
  }
}

it('410 Gone disables the endpoint at once, fails the delivery, skips what was queued for it, and audits it', async () => {
  const t = await f.tenant();
  const endpoint = await t.addEndpoint({ url: receiver.url });
  receiver.answer = () => 410;
  await f.services.webhookWorker.stop();
  const gone = await t.publish();
  const queued = await t.publish();
  // The second waits in its retry backoff when the first comes back 410.
  await f.db.dataSource.getRepository(WebhookDelivery).update({ messageId: queued }, { nextAttemptAt: new Date(Date.now() + 3_600_000) });
  f.services.webhookWorker.start();

  await waitFor(async () => (await f.delivery(gone)).status === 'FAILED', 'the 410 to be recorded');
  expect(await f.delivery(gone)).toMatchObject({ attempts: 1, lastStatusCode: 410, nextAttemptAt: null });
  const stored = await endpointRow(endpoint.id);
  expect(stored.enabled).toBe(false);
  expect(stored.disabledReason).toMatch(/^answered 410 Gone on \d{4}-/);
  expect(await f.delivery(queued)).toMatchObject({ status: 'SKIPPED', lastError: `endpoint disabled: ${stored.disabledReason}`, nextAttemptAt: null });
  expect(receiver.byId(queued)).toEqual([]);

  const [entry, ...more] = await auditOf(t.accountId, endpoint.id);
  expect(more).toEqual([]);
  expect(entry).toMatchObject({
    action: 'webhook_endpoint.disabled',
    actorKeyId: null,
    changes: { enabled: { from: true, to: false }, disabledReason: { from: null, to: stored.disabledReason } },
  });
});

it('disables an endpoint that has been failing for longer than WEBHOOK_DISABLE_AFTER_MS, with an audit entry', async () => {
  const t = await f.tenant();
  const sixDaysAgo = new Date(Date.now() - 6 * 24 * 3_600_000);
  const endpoint = await t.addEndpoint({ url: receiver.url, failingSince: sixDaysAgo });
  receiver.answer = () => 500;
  const id = await t.publish();
  await waitFor(async () => !(await endpointRow(endpoint.id)).enabled, 'the endpoint to be disabled');

  const stored = await endpointRow(endpoint.id);
  expect(stored.disabledReason).toBe(`failing since ${sixDaysAgo.toISOString()} (longer than 5 days)`);
  expect(stored.failingSince).toEqual(sixDaysAgo); // the run of failures began then, not now
  // The attempt that tipped it over ends its delivery as FAILED rather than waiting for retries.
  expect(await f.delivery(id)).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'HTTP 500' });
  expect(receiver.byId(id)).toHaveLength(1);
  expect(await auditOf(t.accountId, endpoint.id)).toEqual([
    expect.objectContaining({ action: 'webhook_endpoint.disabled', changes: expect.objectContaining({ enabled: { from: true, to: false } }) }),
  ]);
});

it('keeps an endpoint enabled while its failures are recent, and a success ends the run', async () => {
  const t = await f.tenant();
  const endpoint = await t.addEndpoint({ url: receiver.url });
  receiver.answer = () => 502;
  const failed = await t.publish();
  await waitFor(async () => (await f.delivery(failed)).status === 'FAILED', 'a failed delivery');
  const failing = await endpointRow(endpoint.id);
  expect(failing).toMatchObject({ enabled: true, failingSince: expect.any(Date) });

  receiver.answer = () => 200;
  const id = await t.publish();
  await waitFor(async () => (await f.delivery(id)).status === 'SUCCEEDED', 'a success');
  expect(await endpointRow(endpoint.id)).toMatchObject({ enabled: true, failingSince: null });
  expect(await auditOf(t.accountId, endpoint.id)).toEqual([]);
});

it('counts an answer slower than WEBHOOK_TIMEOUT_MS as a failed attempt', async () => {
  const t = await f.tenant();
  await t.addEndpoint({ url: `${receiver.url}/slow` });
  let calls = 0;
  receiver.answer = (r) => (r.path.endsWith('/slow') && ++calls === 1 ? 'hang' : 200);
  await withWorker({ WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_LEASE_MS: '2000' }, async () => {
    const id = await t.publish();
    await waitFor(async () => (await f.delivery(id)).status === 'SUCCEEDED', 'the retry after the timeout');
    const attempts = await f.attempts((await f.delivery(id)).id);
    expect(attempts.map((a) => [a.statusCode, a.succeeded, a.error])).toEqual([
      [null, false, 'timed out after 300 ms'],
      [200, true, null],
    ]);
    expect(attempts[0]!.latencyMs).toBeGreaterThanOrEqual(250);
  });
});

it('re-checks the URL at send time: a refused one is a failed attempt and nothing is sent', async () => {
  const t = await f.tenant();
  // Saved while loopback was allowed; this worker (as in production) refuses it.
  await t.addEndpoint({ url: receiver.url });
  await withWorker({ WEBHOOKS_ALLOW_INSECURE: 'false' }, async () => {
    const id = await t.publish();
    await waitFor(async () => (await f.delivery(id)).status === 'FAILED', 'the refused delivery to fail');
    expect(receiver.byId(id)).toEqual([]);
    const attempts = await f.attempts((await f.delivery(id)).id);
    expect(attempts).toHaveLength(4);
    expect(attempts[0]).toMatchObject({ statusCode: null, succeeded: false, error: expect.stringMatching(/^refused before sending: url must use https/) });
  });
});
