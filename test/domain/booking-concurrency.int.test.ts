import { Booking } from '../../src/db/entities';
import { AppError } from '../../src/errors';
import { at, createDomainFixture, type DomainFixture } from './fixtures';

/**
 * The no-overbooking guarantee under real concurrency, at service level:
 * all requests are in flight at once (Promise.all), on MariaDB through the
 * connection pool, on SQLite through the one shared connection.
 */
let f: DomainFixture;
beforeAll(async () => {
  f = await createDomainFixture();
});
afterAll(() => f.db.drop());

async function productAndCustomer(capacity: number) {
  const product = await f.services.products.create(f.acme, { name: 'Sunset cruise', priceCents: 5000, capacity });
  const customer = await f.services.customers.create(f.acme, { name: 'Crowd', email: 'crowd@example.com' });
  return { productId: product.id, customerId: customer.id };
}

/** Outcome code per request: 'OK' or the AppError code (anything else fails the test). */
async function outcomes(requests: Promise<unknown>[]): Promise<string[]> {
  const settled = await Promise.allSettled(requests);
  return settled.map((s) => {
    if (s.status === 'fulfilled') return 'OK';
    if (s.reason instanceof AppError) return s.reason.code;
    throw s.reason;
  });
}

const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;
const confirmedOf = (productId: number) => f.db.dataSource.getRepository(Booking).findBy({ productId, status: 'CONFIRMED' });

it('50 concurrent bookings of a 5-unit product: exactly 5 confirmed, 45 CAPACITY_EXCEEDED', async () => {
  const ids = await productAndCustomer(5);
  const codes = await outcomes(
    Array.from({ length: 50 }, () => f.services.bookings.create(f.acme, { ...ids, startsAt: at('18:00'), endsAt: at('20:00') })),
  );
  expect(count(codes, 'OK')).toBe(5);
  expect(count(codes, 'CAPACITY_EXCEEDED')).toBe(45);
  expect(await confirmedOf(ids.productId)).toHaveLength(5);
});

it('never exceeds capacity at any moment when concurrent bookings overlap partly', async () => {
  const ids = await productAndCustomer(3);
  const windows = Array.from({ length: 30 }, (_, i) => ({
    startsAt: at(`${String(8 + (i % 6)).padStart(2, '0')}:00`),
    endsAt: at(`${String(10 + (i % 6)).padStart(2, '0')}:00`),
    quantity: 1 + (i % 2),
  }));
  const codes = await outcomes(windows.map((w) => f.services.bookings.create(f.acme, { ...ids, ...w })));
  expect(count(codes, 'OK') + count(codes, 'CAPACITY_EXCEEDED')).toBe(30);
  expect(count(codes, 'OK')).toBeGreaterThan(0);

  const confirmed = await confirmedOf(ids.productId);
  for (let hour = 8; hour < 16; hour += 1) {
    const moment = at(`${String(hour).padStart(2, '0')}:30`).getTime();
    const used = confirmed
      .filter((b) => b.startsAt.getTime() <= moment && b.endsAt.getTime() > moment)
      .reduce((sum, b) => sum + b.quantity, 0);
    expect(used).toBeLessThanOrEqual(3);
  }
});

it('concurrent moves and new bookings of one product still never overbook', async () => {
  const ids = await productAndCustomer(2);
  const early = await f.services.bookings.create(f.acme, { ...ids, startsAt: at('08:00'), endsAt: at('09:00') });
  const earlier = await f.services.bookings.create(f.acme, { ...ids, startsAt: at('06:00'), endsAt: at('07:00') });
  const codes = await outcomes([
    f.services.bookings.update(f.acme, early.id, { startsAt: at('12:00'), endsAt: at('13:00') }),
    f.services.bookings.update(f.acme, earlier.id, { startsAt: at('12:00'), endsAt: at('13:00') }),
    ...Array.from({ length: 10 }, () => f.services.bookings.create(f.acme, { ...ids, startsAt: at('12:00'), endsAt: at('13:00') })),
  ]);
  expect(count(codes, 'OK')).toBe(2);
  const atNoon = (await confirmedOf(ids.productId)).filter((b) => b.startsAt.getTime() === at('12:00').getTime());
  expect(atNoon.reduce((sum, b) => sum + b.quantity, 0)).toBe(2);
});
