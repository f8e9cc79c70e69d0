import { at, createDomainFixture, expectAppError, type DomainFixture } from './fixtures';

let f: DomainFixture;
beforeAll(async () => {
  f = await createDomainFixture();
});
afterAll(() => f.db.drop());

it('sums bookings per product and status for bookings starting in [from, to)', async () => {
  const zip = await f.services.products.create(f.acme, { name: 'zipline', priceCents: 3000, capacity: 10 });
  const kayak = await f.services.products.create(f.acme, { name: 'Kayak', priceCents: 1500, capacity: 10 });
  const customer = await f.services.customers.create(f.acme, { name: 'Ana', email: 'ana@example.com' });
  const book = (productId: number, start: string, quantity: number, day = '2031-05-12') =>
    f.services.bookings.create(f.acme, { productId, customerId: customer.id, startsAt: at(start, day), endsAt: at('23:00', day), quantity });

  await book(kayak.id, '09:00', 2); // 3000
  await book(kayak.id, '10:00', 1); // 1500
  const cancelled = await book(kayak.id, '11:00', 4); // 6000, cancelled
  await f.services.bookings.cancel(f.acme, cancelled.id);
  await book(zip.id, '12:00', 3); // 9000
  await book(zip.id, '08:00', 1, '2031-05-13'); // starts exactly at `to`: outside
  await book(kayak.id, '08:00', 1, '2031-05-11'); // before `from`: outside
  const theirP = await f.services.products.create(f.other, { name: 'Kayak', priceCents: 1, capacity: 9 });
  const theirC = await f.services.customers.create(f.other, { name: 'T', email: 't@example.com' });
  await f.services.bookings.create(f.other, { productId: theirP.id, customerId: theirC.id, startsAt: at('10:00'), endsAt: at('11:00') });

  const from = at('00:00');
  const to = at('08:00', '2031-05-13');
  const summary = await f.services.reports.bookingSummary(f.acme, from, to);

  expect(summary).toEqual({
    from,
    to,
    confirmedBookings: 3,
    revenueCents: 13_500,
    rows: [
      { productId: kayak.id, productName: 'Kayak', status: 'CANCELLED', bookings: 1, quantity: 4, totalCents: 6000 },
      { productId: kayak.id, productName: 'Kayak', status: 'CONFIRMED', bookings: 2, quantity: 3, totalCents: 4500 },
      { productId: zip.id, productName: 'zipline', status: 'CONFIRMED', bookings: 1, quantity: 3, totalCents: 9000 },
    ],
  });
  for (const row of summary.rows) {
    for (const key of ['productId', 'bookings', 'quantity', 'totalCents'] as const) expect(typeof row[key]).toBe('number');
  }
});

it('is empty for a window without bookings and refuses a reversed one naming `to`', async () => {
  const from = at('00:00', '2040-01-01');
  expect(await f.services.reports.bookingSummary(f.acme, from, at('00:00', '2040-02-01'))).toMatchObject({
    confirmedBookings: 0,
    revenueCents: 0,
    rows: [],
  });
  await expectAppError(f.services.reports.bookingSummary(f.acme, from, from), 'BAD_USER_INPUT', 'to');
});
