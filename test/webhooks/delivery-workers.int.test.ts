import type { DataSource } from 'typeorm';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner';
import { openDatabase } from '../../src/app';
import { WebhookAttempt, WebhookDelivery } from '../../src/db/entities';
import { DeliveryQueue, type ClaimedDelivery } from '../../src/webhooks/delivery/claim';
import { testDatabaseKind } from '../support/database';
import { deliveryFixture, Receiver, servicesOn, waitFor, type DeliveryFixture } from './delivery-support';

// Several workers on one database: every delivery is claimed by exactly one.
// MariaDB: each worker on its own DataSource (connection pool), as separate
// server processes would be, kept apart by FOR UPDATE SKIP LOCKED. SQLite runs
// one worker per database; two in one process share the DataSource, whose
// write queue serializes their claims. (Two SQLite DataSources in one process
// cannot stand for two processes: better-sqlite3 waits for a lock
// synchronously, blocking the very event loop that would release it.)
// Generous for a loaded machine: every wait below is a poll with its own deadline, never a sleep.
jest.setTimeout(15_000);

let f: DeliveryFixture;
let second: DataSource;
beforeAll(async () => {
  f = await deliveryFixture();
  second = testDatabaseKind === 'mysql' ? await openDatabase({ DATABASE_URL: f.db.url, MIGRATIONS_RUN: false }) : f.db.dataSource;
});
afterAll(async () => {
  if (second !== f.db.dataSource && second.isInitialized) await second.destroy();
  await f.close();
});
afterEach(() => jest.restoreAllMocks());

it('two workers deliver each delivery exactly once', async () => {
  const receiver = await Receiver.start();
  const t = await f.tenant();
  for (const path of ['a', 'b', 'c']) await t.addEndpoint({ url: `${receiver.url}/${path}` });
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) ids.push(await t.publish('booking.created', { id: `b${i}` }));

  const claim = jest.spyOn(DeliveryQueue.prototype, 'claim');
  const workers = [servicesOn(f.db.dataSource, { WEBHOOK_CONCURRENCY: '4' }), servicesOn(second, { WEBHOOK_CONCURRENCY: '4' })];
  for (const w of workers) w.webhookWorker.start();
  try {
    await waitFor(async () => (await f.db.dataSource.getRepository(WebhookDelivery).countBy({ status: 'SUCCEEDED' })) === 120, 'all 120 deliveries');
  } finally {
    await Promise.all(workers.map((w) => w.webhookWorker.stop()));
    await receiver.down();
  }

  for (const path of ['a', 'b', 'c']) {
    const got = receiver.received.filter((r) => r.path === `/hooks/${path}`).map((r) => r.headers['webhook-id']);
    expect(got.sort()).toEqual([...ids].sort()); // each id once: no duplicate, none missing
  }
  expect(await f.db.dataSource.getRepository(WebhookAttempt).count()).toBe(120);
  // Both took part: the claims came from both workers' queues.
  const claimedBy = new Map<unknown, number>();
  for (const [i, context] of claim.mock.contexts.entries()) {
    const claimed = (await claim.mock.results[i]!.value) as ClaimedDelivery[];
    claimedBy.set(context, (claimedBy.get(context) ?? 0) + claimed.length);
  }
  expect([...claimedBy.values()].reduce((a, b) => a + b, 0)).toBe(120);
  expect([...claimedBy.values()].filter((n) => n > 0).length).toBe(2);
});

if (testDatabaseKind === 'mysql') {
  it('claims with SELECT ... FOR UPDATE SKIP LOCKED on MariaDB', async () => {
    const t = await f.tenant();
    await t.addEndpoint({ url: 'http://127.0.0.1:9/never' });
    await t.publish();
    const query = jest.spyOn(MysqlQueryRunner.prototype, 'query');
    const claimed = await new DeliveryQueue(f.db.dataSource).claim(10, 60_000);
    expect(claimed).toHaveLength(1);
    const sql = query.mock.calls.map(([text]) => text).filter((text) => /FOR UPDATE/.test(text));
    expect(sql).toEqual([expect.stringMatching(/FROM `webhook_delivery`.*FOR UPDATE SKIP LOCKED$/)]);
    await f.db.dataSource.getRepository(WebhookDelivery).delete({ accountId: t.accountId });
  });

  it('skips rows another transaction holds instead of waiting for them', async () => {
    const t = await f.tenant();
    await t.addEndpoint({ url: 'http://127.0.0.1:9/never' });
    for (let i = 0; i < 4; i++) await t.publish();
    const all = await f.db.dataSource.getRepository(WebhookDelivery).find({ where: { accountId: t.accountId }, order: { id: 'ASC' } });
    const held = all.slice(0, 2).map((d) => d.id);

    const other = second.createQueryRunner();
    await other.startTransaction('READ COMMITTED');
    try {
      await other.query(`SELECT id FROM webhook_delivery WHERE id IN (${held.join(',')}) FOR UPDATE`);
      // Without SKIP LOCKED this would wait for innodb_lock_wait_timeout (50 s) and fail the test.
      const claimed = await new DeliveryQueue(f.db.dataSource).claim(10, 60_000);
      expect(claimed.map((c) => c.delivery.id).sort()).toEqual(all.slice(2).map((d) => d.id));
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
    await f.db.dataSource.getRepository(WebhookDelivery).delete({ accountId: t.accountId });
  });
}
