import { Account, WebhookAttempt, WebhookDelivery, WebhookEvent, type WebhookDeliveryStatus } from '../../src/db/entities';
import { createApp, openDatabase } from '../../src/app';
import { loadConfig } from '../../src/config';
import { publishEvent } from '../../src/webhooks/outbox';
import { WebhookRetention } from '../../src/webhooks/retention';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertEndpoint, waitFor } from './delivery-support';

/**
 * WEBHOOK_RETENTION_DAYS: events past retention go with their deliveries and
 * attempts, unless a delivery is still pending (the worker still needs the
 * payload); recent events stay whatever their state.
 */

const DAY = 86_400_000;
// Real time: the last test's server prunes as of its own clock.
const NOW = new Date();
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

let db: TestDatabase;
let accountId: number;
let endpointId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  const { identifiers } = await db.dataSource.getRepository(Account).insert({ slug: 'acme', name: 'Acme' });
  accountId = identifiers[0]!.id as number;
  endpointId = (await insertEndpoint(db.dataSource, { accountId })).id;
});
afterAll(() => db.drop());

beforeEach(async () => {
  await db.dataSource.getRepository(WebhookEvent).createQueryBuilder().delete().execute();
});

/** An event that occurred `days` ago, its delivery in `status`, with one attempt; returns the event id. */
async function eventOf(days: number, status: WebhookDeliveryStatus): Promise<number> {
  const { eventId } = await db.dataSource.transaction((manager) =>
    publishEvent(manager, accountId, 'booking.created', { id: 'b' }, { now: daysAgo(days) }),
  );
  const delivery = await db.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId, endpointId });
  await db.dataSource.getRepository(WebhookDelivery).update({ id: delivery.id }, { status });
  await db.dataSource
    .getRepository(WebhookAttempt)
    .insert({ deliveryId: delivery.id, accountId, at: daysAgo(days), statusCode: 500, latencyMs: 3, succeeded: false, error: null });
  return eventId;
}

const counts = async () => ({
  events: await db.dataSource.getRepository(WebhookEvent).count(),
  deliveries: await db.dataSource.getRepository(WebhookDelivery).count(),
  attempts: await db.dataSource.getRepository(WebhookAttempt).count(),
});

it('deletes old finished events with their deliveries and attempts, and keeps the rest', async () => {
  const oldSucceeded = await eventOf(40, 'SUCCEEDED');
  const oldFailed = await eventOf(31, 'FAILED');
  const oldSkipped = await eventOf(90, 'SKIPPED');
  const oldPending = await eventOf(45, 'PENDING');
  const recentSucceeded = await eventOf(29, 'SUCCEEDED');
  const recentPending = await eventOf(1, 'PENDING');
  expect(await counts()).toEqual({ events: 6, deliveries: 6, attempts: 6 });

  expect(await new WebhookRetention(db.dataSource, 30).prune(NOW)).toBe(3);

  const left = (await db.dataSource.getRepository(WebhookEvent).find({ order: { id: 'ASC' } })).map((event) => event.id);
  expect(left).toEqual([oldPending, recentSucceeded, recentPending]);
  expect(left).not.toEqual(expect.arrayContaining([oldSucceeded, oldFailed, oldSkipped]));
  expect(await counts()).toEqual({ events: 3, deliveries: 3, attempts: 3 });
  // Once the pending one has finished, the next run takes it too; running again changes nothing more.
  await db.dataSource.getRepository(WebhookDelivery).update({ eventId: oldPending }, { status: 'FAILED' });
  expect(await new WebhookRetention(db.dataSource, 30).prune(NOW)).toBe(1);
  expect(await new WebhookRetention(db.dataSource, 30).prune(NOW)).toBe(0);
  expect(await counts()).toEqual({ events: 2, deliveries: 2, attempts: 2 });
});

it('an event no endpoint subscribed to (no delivery at all) goes once it is old', async () => {
  await db.dataSource.getRepository(WebhookEvent).insert({ accountId, type: 'booking.created', data: {}, occurredAt: daysAgo(60) });
  await db.dataSource.getRepository(WebhookEvent).insert({ accountId, type: 'booking.created', data: {}, occurredAt: daysAgo(2) });
  expect(await new WebhookRetention(db.dataSource, 30).prune(NOW)).toBe(1);
  expect(await db.dataSource.getRepository(WebhookEvent).count()).toBe(1);
});

it('works through more old events than one chunk holds, each exactly once', async () => {
  const ids: number[] = [];
  for (let i = 0; i < 7; i++) ids.push(await eventOf(35 + i, 'SUCCEEDED'));
  const pending = await eventOf(50, 'PENDING');
  expect(await new WebhookRetention(db.dataSource, 30).prune(NOW, 3)).toBe(7);
  expect((await db.dataSource.getRepository(WebhookEvent).find()).map((event) => event.id)).toEqual([pending]);
  expect(await counts()).toEqual({ events: 1, deliveries: 1, attempts: 1 });
});

it('measures the period from now: a longer retention keeps what a shorter one deletes', async () => {
  await eventOf(40, 'SUCCEEDED');
  expect(await new WebhookRetention(db.dataSource, 41).prune(NOW)).toBe(0);
  expect(await new WebhookRetention(db.dataSource, 39).prune(NOW)).toBe(1);
});

it('the server prunes when it starts (and then hourly), with WEBHOOK_RETENTION_DAYS', async () => {
  await eventOf(10, 'SUCCEEDED');
  const recent = await eventOf(1, 'SUCCEEDED');
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', WEBHOOK_WORKER: 'false', WEBHOOK_RETENTION_DAYS: '5' });
  // The server's own DataSource: closing the app closes it, and this file's stays open for afterAll.
  const app = await createApp(config, await openDatabase(config));
  try {
    await waitFor(async () => (await db.dataSource.getRepository(WebhookEvent).count()) === 1, 'the old event to be pruned');
    expect((await db.dataSource.getRepository(WebhookEvent).find()).map((event) => event.id)).toEqual([recent]);
  } finally {
    await app.close();
  }
});
