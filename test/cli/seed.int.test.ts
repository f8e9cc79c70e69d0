import { runCli } from '../../src/cli/program';
import { Account, Booking, Customer, Product } from '../../src/db/entities';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Issue 4 item 9: `npx scopeql seed --account acme`. */
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { DATABASE_URL: db.url } });
  return { code, stdout, stderr };
}

async function rowsOf(slug: string) {
  const ds = db.dataSource;
  const account = await ds.getRepository(Account).findOneByOrFail({ slug });
  const where = { accountId: account.id };
  return {
    products: await ds.getRepository(Product).find({ where }),
    customers: await ds.getRepository(Customer).find({ where }),
    bookings: await ds.getRepository(Booking).find({ where }),
  };
}

it('creates the account if new and loads products, customers and bookings over the coming weeks; stdout stays empty', async () => {
  const started = Date.now();
  const run = await cli('seed', '--account', 'acme');
  expect(run).toMatchObject({ code: 0, stdout: '' });
  expect(run.stderr).toMatch(/^Seeded account acme: 3 products, 10 customers, 30 bookings \(\d+ cancelled\)/);

  const { products, customers, bookings } = await rowsOf('acme');
  expect(products.map((p) => [p.name, p.capacity])).toEqual(
    expect.arrayContaining([['Sea kayak tour', 8]]),
  );
  expect(products).toHaveLength(3);
  expect(customers).toHaveLength(10);
  expect(new Set(customers.map((c) => c.emailLower)).size).toBe(10);
  expect(bookings).toHaveLength(30);

  const cancelled = bookings.filter((b) => b.status === 'CANCELLED');
  expect(cancelled.length).toBeGreaterThan(0);
  expect(cancelled.length).toBeLessThan(10);
  expect(run.stderr).toContain(`(${cancelled.length} cancelled)`);
  for (const booking of bookings) {
    expect(booking.startsAt.getTime()).toBeGreaterThan(started);
    expect(booking.startsAt.getTime()).toBeLessThan(started + 5 * 7 * 24 * 3600_000);
    expect(booking.totalCents).toBe(booking.quantity * products.find((p) => p.id === booking.productId)!.priceCents);
  }
  // Every customer and every product has bookings: the examples have something to show.
  expect(new Set(bookings.map((b) => b.customerId)).size).toBe(10);
  expect(new Set(bookings.map((b) => b.productId)).size).toBe(3);
});

it('skips an account that already has products, says so and changes nothing', async () => {
  const before = await rowsOf('acme');
  const again = await cli('seed', '--account', 'acme');
  expect(again).toEqual({ code: 0, stdout: '', stderr: 'Account acme already has products: seed skipped, nothing changed.\n' });
  const after = await rowsOf('acme');
  expect(after.products).toHaveLength(before.products.length);
  expect(after.customers).toHaveLength(before.customers.length);
  expect(after.bookings).toHaveLength(before.bookings.length);
});

it('seeds another account beside it without touching the first', async () => {
  expect((await cli('seed', '--account', 'globex')).code).toBe(0);
  expect((await rowsOf('globex')).bookings).toHaveLength(30);
  expect((await rowsOf('acme')).bookings).toHaveLength(30);
});
