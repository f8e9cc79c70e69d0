import { ApiKey, WebhookDelivery, WebhookEvent, type WebhookEndpoint } from '../../src/db/entities';
import { writeTransaction } from '../../src/db/write-transaction';
import type { Actor } from '../../src/domain/actor';
import { toGlobalId } from '../../src/global-id';
import { publishEvent } from '../../src/webhooks/outbox';
import { at, createDomainFixture, expectAppError, type DomainFixture } from '../domain/fixtures';

/**
 * Issue 6 item 3, the transactional outbox: every change writes its event and
 * one PENDING delivery per matching enabled endpoint in the change's own
 * transaction. A rolled-back change leaves neither; a committed one always has
 * both. No worker runs here (the services alone), so rows stay as written.
 */
let f: DomainFixture;
let operator: Actor;
let all: WebhookEndpoint;
let bookingsOnly: WebhookEndpoint;
let disabled: WebhookEndpoint;
let elsewhere: WebhookEndpoint;

const URL = 'https://93.184.216.34/hook'; // an IP literal: no DNS lookup in tests

beforeAll(async () => {
  f = await createDomainFixture();
  operator = { kind: 'operator', accountId: f.acme };
  const create = (actor: Actor, events: string[]) => f.services.webhookEndpoints.create(actor, { url: URL, events }).then((r) => r.endpoint);
  all = await create(operator, ['*']);
  bookingsOnly = await create(operator, ['booking.*']);
  disabled = await create(operator, ['*']);
  await f.services.webhookEndpoints.update(operator, disabled.id, { enabled: false });
  elsewhere = await create({ kind: 'operator', accountId: f.other }, ['*']);
});
afterAll(() => f.db.drop());

const events = () => f.db.dataSource.getRepository(WebhookEvent).find({ order: { id: 'ASC' } });
const deliveriesOf = (eventId: number) => f.db.dataSource.getRepository(WebhookDelivery).find({ where: { eventId }, order: { endpointId: 'ASC' } });
const counts = async () => ({
  events: await f.db.dataSource.getRepository(WebhookEvent).count(),
  deliveries: await f.db.dataSource.getRepository(WebhookDelivery).count(),
});
async function newEventsDuring(work: () => Promise<unknown>): Promise<WebhookEvent[]> {
  const before = (await events()).length;
  await work();
  return (await events()).slice(before);
}

it('a change writes its event, and a PENDING delivery for each enabled endpoint of the account that subscribes', async () => {
  const started = Date.now();
  let product!: Awaited<ReturnType<typeof f.services.products.create>>;
  const [event] = await newEventsDuring(async () => {
    product = await f.services.products.create(f.acme, { name: 'Kayak tour', priceCents: 4500, capacity: 8 });
  });
  expect(event).toMatchObject({ accountId: f.acme, type: 'product.created' });
  expect(event!.data).toEqual({
    id: toGlobalId('Product', product.id),
    name: 'Kayak tour',
    description: null,
    priceCents: 4500,
    capacity: 8,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  });

  const deliveries = await deliveriesOf(event!.id);
  // `*` yes; booking.* no; the disabled one and the other account's never.
  expect(deliveries.map((d) => d.endpointId)).toEqual([all.id]);
  expect(await f.db.dataSource.getRepository(WebhookDelivery).countBy({ endpointId: elsewhere.id })).toBe(0);
  expect(deliveries[0]).toMatchObject({ accountId: f.acme, status: 'PENDING', attempts: 0, lockedUntil: null, lastStatusCode: null, lastError: null });
  expect(deliveries[0]!.messageId).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
  expect(deliveries[0]!.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(started - 1000);
  expect(deliveries[0]!.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
});

it('every endpoint of one event shares its webhook-id; each event has its own', async () => {
  const { id: productId } = await f.services.products.create(f.acme, { name: 'Bikes', priceCents: 1000, capacity: 5 });
  const { id: customerId } = await f.services.customers.create(f.acme, { name: 'Ada', email: 'ada@example.com' });
  const [first] = await newEventsDuring(() =>
    f.services.bookings.create(f.acme, { productId, customerId, startsAt: at('09:00'), endsAt: at('10:00'), quantity: 2 }),
  );
  const [second] = await newEventsDuring(() =>
    f.services.bookings.create(f.acme, { productId, customerId, startsAt: at('11:00'), endsAt: at('12:00') }),
  );
  const a = await deliveriesOf(first!.id);
  const b = await deliveriesOf(second!.id);
  expect(a.map((d) => d.endpointId)).toEqual([all.id, bookingsOnly.id]);
  expect(a[0]!.messageId).toBe(a[1]!.messageId);
  expect(b[0]!.messageId).not.toBe(a[0]!.messageId);
  expect(first!.data).toMatchObject({
    productId: toGlobalId('Product', productId),
    customerId: toGlobalId('Customer', customerId),
    quantity: 2,
    status: 'CONFIRMED',
    totalCents: 2000,
    startsAt: at('09:00').toISOString(),
  });
});

it('every change publishes its event, named by the catalog, with the object after the change', async () => {
  const product = await f.services.products.create(f.acme, { name: 'Pasta class', priceCents: 3000, capacity: 4 });
  const customer = await f.services.customers.create(f.acme, { name: 'Bo', email: 'bo@example.com' });
  const key = await f.services.keys.create(operator, { name: 'to revoke', scopes: ['products:read'] });
  const published = await newEventsDuring(async () => {
    await f.services.products.update(f.acme, product.id, { capacity: 6 });
    await f.services.customers.update(f.acme, customer.id, { phone: '+44 20 7946 0000' });
    const booking = await f.services.bookings.create(f.acme, { productId: product.id, customerId: customer.id, startsAt: at('13:00'), endsAt: at('14:00') });
    await f.services.bookings.update(f.acme, booking.id, { quantity: 2 });
    await f.services.bookings.cancel(f.acme, booking.id);
    await f.services.bookings.cancel(f.acme, booking.id); // already cancelled: no change, no event
    await f.services.customers.delete(f.acme, customer.id);
    await f.services.keys.revoke(operator, key.key.id);
    await f.services.keys.revoke(operator, key.key.id); // already revoked: no event
  });
  expect(published.map((e) => e.type)).toEqual([
    'product.updated',
    'customer.updated',
    'booking.created',
    'booking.updated',
    'booking.cancelled',
    'customer.deleted',
    'api_key.revoked',
  ]);
  const byType = Object.fromEntries(published.map((e) => [e.type, e.data]));
  expect(byType['product.updated']).toMatchObject({ capacity: 6 });
  expect(byType['customer.updated']).toMatchObject({ phone: '+44 20 7946 0000' });
  expect(byType['booking.cancelled']).toMatchObject({ status: 'CANCELLED', quantity: 2 });
  expect(byType['customer.deleted']).toMatchObject({ id: toGlobalId('Customer', customer.id), name: 'Bo' });

  // The revoked key as ApiKey shows it: no secret, no hash, nothing the API hides.
  const stored = await f.db.dataSource.getRepository(ApiKey).findOneByOrFail({ id: key.key.id });
  expect(byType['api_key.revoked']).toEqual({
    id: toGlobalId('ApiKey', key.key.id),
    name: 'to revoke',
    prefix: stored.prefix,
    type: 'SECRET',
    scopes: ['products:read'],
    bundles: [],
    status: 'REVOKED',
    createdAt: stored.createdAt.toISOString(),
    lastUsedAt: null,
    expiresAt: null,
  });
  expect(JSON.stringify(published)).not.toContain(key.secret);
});

it('a transaction that fails after the event insert leaves no event and no delivery', async () => {
  const before = await counts();
  const failed = writeTransaction(f.db.dataSource, async (manager) => {
    const published = await publishEvent(manager, f.acme, 'product.created', { id: 'x' });
    expect(published.endpointIds).toEqual([all.id]); // written, inside the transaction
    throw new Error('the change fails after its event was written');
  });
  await expect(failed).rejects.toThrow('the change fails');
  expect(await counts()).toEqual(before);
});

it('a refused change (a booking over capacity, an unknown id) publishes nothing', async () => {
  const product = await f.services.products.create(f.acme, { name: 'Tiny boat', priceCents: 100, capacity: 1 });
  const customer = await f.services.customers.create(f.acme, { name: 'Cy', email: 'cy@example.com' });
  await f.services.bookings.create(f.acme, { productId: product.id, customerId: customer.id, startsAt: at('09:00'), endsAt: at('10:00') });
  const before = await counts();
  await expectAppError(
    f.services.bookings.create(f.acme, { productId: product.id, customerId: customer.id, startsAt: at('09:30'), endsAt: at('10:30') }),
    'CAPACITY_EXCEEDED',
  );
  await expectAppError(f.services.products.update(f.acme, 99_999, { capacity: 3 }), 'NOT_FOUND');
  await expectAppError(f.services.customers.delete(f.other, customer.id), 'NOT_FOUND');
  expect(await counts()).toEqual(before);
});

it('pokes the worker once the change has committed, and not for a refused one', async () => {
  const seen: Promise<number>[] = [];
  const unsubscribe = f.services.webhookSignal.subscribe(() => {
    // Read from outside the transaction: the event must already be committed.
    seen.push(f.db.dataSource.getRepository(WebhookEvent).count({ where: { type: 'customer.created' } }));
  });
  try {
    const before = await f.db.dataSource.getRepository(WebhookEvent).count({ where: { type: 'customer.created' } });
    await f.services.customers.create(f.acme, { name: 'Di', email: 'di@example.com' });
    await expectAppError(f.services.customers.create(f.acme, { name: '', email: 'nope' }), 'BAD_USER_INPUT');
    expect(seen).toHaveLength(1);
    expect(await seen[0]).toBe(before + 1);
  } finally {
    unsubscribe();
  }
});

it('publishEvent refuses an event type the catalog does not list (a programming error)', async () => {
  await expect(writeTransaction(f.db.dataSource, (manager) => publishEvent(manager, f.acme, 'booking.exploded', {}))).rejects.toThrow(/not in schema\/webhook-events.json/);
});
