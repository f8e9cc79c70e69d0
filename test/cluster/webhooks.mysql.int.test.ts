/**
 * Issue 10: the webhook workers of two real server processes share one outbox
 * (SELECT ... FOR UPDATE SKIP LOCKED, src/webhooks/delivery/claim.ts). 200
 * bookings made through both instances reach the receiver once each; with one
 * instance SIGKILLed mid-queue, every event still arrives (the survivor takes
 * over the killed one's leases once they run out). MariaDB only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookDelivery } from '../../src/db/entities';
import { writeTransaction } from '../../src/db/write-transaction';
import { publishEvent } from '../../src/webhooks/outbox';
import { insertEndpoint, SHORT_LEASES } from '../webhooks/delivery-support';
import { ClusterFixture, REDIS_URL, gql, waitFor, type Instance } from './instances';

jest.setTimeout(60_000);

const EVENTS = 200;
const CONCURRENCY = 3;

/** A receiver that records every delivery and answers 204 after a short delay, so that attempts are in flight when the test acts. */
class SlowReceiver {
  readonly seen: string[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        this.seen.push(String(request.headers['webhook-id']));
        setTimeout(() => response.writeHead(204).end(), 20);
      });
    });
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

let f: ClusterFixture;
let receiver: SlowReceiver;
let admin: string;
let productId: string;
let customerId: string;
let made = 0;

const workerEnv = { REDIS_URL, WEBHOOK_WORKER: 'true', ...SHORT_LEASES, WEBHOOK_CONCURRENCY: String(CONCURRENCY) };

beforeAll(async () => {
  f = await ClusterFixture.create();
  receiver = new SlowReceiver();
  await receiver.start();
  const key = await f.mintKey({ scopes: ['admin'] });
  admin = key.secret;
  const { id: accountId } = await f.services.repos.accounts.findOrCreate('acme', 'acme');
  await insertEndpoint(f.db.dataSource, { accountId, url: receiver.url, events: ['booking.created'] });
});
afterAll(async () => {
  await f?.close();
  await receiver?.close();
});

/** Makes `count` bookings, 10 at a time, alternating instances; resolves with the new webhook-ids. */
async function book(instances: Instance[], count: number): Promise<Set<string>> {
  if (!productId) {
    const product = await gql(instances[0]!, 'mutation { createProduct(input: { name: "Kayak", priceCents: 4000, capacity: 100000 }) { product { id } } }', admin);
    const customer = await gql(instances[0]!, 'mutation { createCustomer(input: { name: "Ada", email: "ada@example.com" }) { customer { id } } }', admin);
    productId = product.body.data!.createProduct.product.id;
    customerId = customer.body.data!.createCustomer.customer.id;
  }
  const deliveries = f.db.dataSource.getRepository(WebhookDelivery);
  const before = new Set((await deliveries.find({ select: { messageId: true } })).map((d) => d.messageId));
  for (let start = 0; start < count; start += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - start) }, async (_, i) => {
        const n = made++;
        const startsAt = new Date(Date.UTC(2031, 0, 1, 8) + n * 3_600_000);
        const response = await gql(
          instances[(start + i) % instances.length]!,
          'mutation($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }',
          admin,
          { input: { productId, customerId, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString() } },
        );
        expect(response.body.errors).toBeUndefined();
      }),
    );
  }
  const after = (await deliveries.find({ select: { messageId: true } })).map((d) => d.messageId);
  return new Set(after.filter((id) => !before.has(id)));
}

const succeeded = (ids: Set<string>) => async () =>
  (await f.db.dataSource.getRepository(WebhookDelivery).find({ where: { status: 'SUCCEEDED' }, select: { messageId: true } })).filter((d) =>
    ids.has(d.messageId),
  ).length === ids.size;

it(`delivers each of ${EVENTS} booking events exactly once with both instances' workers running`, async () => {
  const [a, b] = await Promise.all([f.start('A', workerEnv), f.start('B', workerEnv)]);
  const ids = await book([a, b], EVENTS);
  expect(ids.size).toBe(EVENTS);
  await waitFor(succeeded(ids), 'every delivery to succeed', 30_000);
  const got = receiver.seen.filter((id) => ids.has(id));
  expect(new Set(got)).toEqual(ids);
  expect(got).toHaveLength(EVENTS);
  await Promise.all([a.stop(), b.stop()]);
});

it('still delivers every event when one instance is killed mid-queue', async () => {
  const [a, b] = await Promise.all([f.start('A2', workerEnv), f.start('B2', workerEnv)]);
  // All 200 at once (one transaction), so the queue is long when the kill comes.
  const { id: accountId } = await f.services.repos.accounts.findOrCreate('acme', 'acme');
  const ids = new Set(
    await writeTransaction(f.db.dataSource, async (manager) => {
      const published: string[] = [];
      for (let i = 0; i < EVENTS; i++) published.push((await publishEvent(manager, accountId, 'booking.created', { id: `queued-${i}` })).messageId);
      return published;
    }),
  );
  const from = receiver.seen.length;
  await waitFor(() => receiver.seen.length - from >= EVENTS / 3, 'a third of the queue');
  await a.stop('SIGKILL');
  const beforeKill = new Set(receiver.seen.slice(from));
  expect(beforeKill.size).toBeLessThan(EVENTS);

  await waitFor(succeeded(ids), 'every delivery to succeed after the kill', 30_000);
  const got = receiver.seen.slice(from);
  expect(new Set(got)).toEqual(ids);
  // At least once: only attempts the killed worker had in flight may have been sent twice.
  const counts = new Map<string, number>();
  for (const id of got) counts.set(id, (counts.get(id) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  expect(twice.length).toBeLessThanOrEqual(CONCURRENCY);
  for (const id of twice) expect([beforeKill.has(id), counts.get(id)]).toEqual([true, 2]);
  await b.stop();
});
