import { Booking } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { createCatalog, futureDay, HOUR } from './domain-fixtures';

// Issue 4 item 8: no overbooking under concurrency, over real HTTP.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('50 concurrent createBooking calls at capacity 5 confirm exactly 5', async () => {
  const { products, customers } = await createCatalog(server, 'acme', { products: 1, customers: 1, bookings: 0, capacity: 5 });
  const { secret } = await server.mintKey({ bundles: ['booking_agent'] });
  const startsAt = new Date(futureDay(1) + 9 * HOUR).toISOString();
  const endsAt = new Date(futureDay(1) + 11 * HOUR).toISOString();
  const book = `mutation($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } } }`;
  const input = {
    productId: toGlobalId('Product', products[0]!.id),
    customerId: toGlobalId('Customer', customers[0]!.id),
    startsAt,
    endsAt,
  };

  const responses = await Promise.all(Array.from({ length: 50 }, () => server.graphql(book, { key: secret, variables: { input } })));

  const outcomes = responses.map((r) => r.body.errors?.[0]?.extensions?.code ?? r.body.data?.createBooking.booking.status);
  expect(outcomes.filter((o) => o === 'CONFIRMED')).toHaveLength(5);
  expect(outcomes.filter((o) => o === 'CAPACITY_EXCEEDED')).toHaveLength(45);
  const refused = responses.find((r) => r.body.errors)!;
  expect(refused.body.errors![0]!.message).toMatch(/0 of 5/);
  expect(await server.db.dataSource.getRepository(Booking).countBy({ productId: products[0]!.id, status: 'CONFIRMED' })).toBe(5);
});
