import type { Booking } from '../../src/db/entities';
import { at, createDomainFixture, expectAppError, type DomainFixture } from './fixtures';

let f: DomainFixture;
let account: number;
let kayak: number;
let bike: number;
let customers: number[];
/** Bookings by customer index, oldest first, as created below. */
const made: Booking[][] = [[], [], []];

/**
 * Customer 0 has 5 bookings, customer 1 has 2, customer 2 none; one of
 * customer 0's is cancelled. Another account has a booking of its own.
 */
beforeAll(async () => {
  f = await createDomainFixture();
  account = f.acme;
  kayak = (await f.services.products.create(account, { name: 'Kayak', priceCents: 100, capacity: 50 })).id;
  bike = (await f.services.products.create(account, { name: 'Bike', priceCents: 100, capacity: 50 })).id;
  customers = [];
  for (const name of ['Ana', 'Ben', 'Cy']) {
    customers.push((await f.services.customers.create(account, { name, email: `${name}@example.com` })).id);
  }
  const plan: [number, number, string][] = [
    [0, kayak, '2031-05-01'],
    [1, bike, '2031-05-02'],
    [0, bike, '2031-05-03'],
    [0, kayak, '2031-05-04'],
    [1, kayak, '2031-05-05'],
    [0, kayak, '2031-05-06'],
    [0, bike, '2031-05-07'],
  ];
  for (const [c, productId, day] of plan) {
    made[c]!.push(
      await f.services.bookings.create(account, {
        productId,
        customerId: customers[c]!,
        startsAt: at('10:00', day),
        endsAt: at('11:00', day),
      }),
    );
  }
  await f.services.bookings.cancel(account, made[0]![1]!.id);
  const theirP = await f.services.products.create(f.other, { name: 'T', priceCents: 1, capacity: 1 });
  const theirC = await f.services.customers.create(f.other, { name: 'T', email: 't@example.com' });
  await f.services.bookings.create(f.other, { productId: theirP.id, customerId: theirC.id, startsAt: at('10:00'), endsAt: at('11:00') });
});
afterAll(() => f.db.drop());

const ids = (bookings: Booking[]) => bookings.map((b) => b.id);
const newestFirst = (bookings: Booking[]) => ids([...bookings].reverse());

describe('BookingService.list', () => {
  it('pages all of the account’s bookings newest first', async () => {
    const all = newestFirst([...made[0]!, ...made[1]!].sort((a, b) => a.id - b.id));
    const first = await f.services.bookings.list(account, { first: 4 });
    expect(ids(first.nodes)).toEqual(all.slice(0, 4));
    expect(first.hasNextPage).toBe(true);
    const rest = await f.services.bookings.list(account, { first: 4, afterId: first.nodes[3]!.id });
    expect(ids(rest.nodes)).toEqual(all.slice(4));
    expect(rest.hasNextPage).toBe(false);
  });

  it('filters by status, start time [from, to), product and customer', async () => {
    const list = async (filter: object) => ids((await f.services.bookings.list(account, { first: 100 }, filter)).nodes);
    expect(await list({ status: 'CANCELLED' })).toEqual([made[0]![1]!.id]);
    expect(await list({ status: 'CONFIRMED' })).toHaveLength(6);
    expect(await list({ from: at('10:00', '2031-05-03'), to: at('10:00', '2031-05-05') })).toEqual(
      newestFirst([made[0]![1]!, made[0]![2]!]),
    );
    expect(await list({ productId: bike })).toEqual(newestFirst([made[1]![0]!, made[0]![1]!, made[0]![4]!]));
    expect(await list({ customerId: customers[1], productId: kayak })).toEqual([made[1]![1]!.id]);
    expect(await list({ customerId: customers[2] })).toEqual([]);
  });

  it("matches nothing for another account's product or customer, and refuses a reversed range", async () => {
    const theirs = (await f.services.bookings.list(f.other, { first: 10 })).nodes[0]!;
    expect(await f.services.bookings.list(account, { first: 10 }, { productId: theirs.productId })).toEqual({ nodes: [], hasNextPage: false });
    expect(await f.services.bookings.list(account, { first: 10 }, { customerId: theirs.customerId! })).toEqual({ nodes: [], hasNextPage: false });
    await expectAppError(f.services.bookings.list(account, { first: 10 }, { from: at('10:00'), to: at('09:00') }), 'BAD_USER_INPUT', 'to');
  });
});

describe('BookingService.pageByCustomers', () => {
  it('gives each customer their own page, newest first, in one query', async () => {
    const logQuery = jest.spyOn(f.db.dataSource.logger, 'logQuery');
    const pages = await f.services.bookings.pageByCustomers(account, [customers[0]!, customers[1]!, customers[2]!], { first: 2 });
    expect(logQuery).toHaveBeenCalledTimes(1);
    logQuery.mockRestore();

    expect([...pages.keys()]).toEqual([customers[0], customers[1], customers[2]]);
    expect(ids(pages.get(customers[0]!)!.nodes)).toEqual(newestFirst(made[0]!).slice(0, 2));
    expect(pages.get(customers[0]!)!.hasNextPage).toBe(true);
    expect(ids(pages.get(customers[1]!)!.nodes)).toEqual(newestFirst(made[1]!));
    expect(pages.get(customers[1]!)!.hasNextPage).toBe(false);
    expect(pages.get(customers[2]!)).toEqual({ nodes: [], hasNextPage: false });
  });

  it('continues after a cursor, per customer', async () => {
    const firstPage = await f.services.bookings.pageByCustomers(account, [customers[0]!], { first: 2 });
    const afterId = firstPage.get(customers[0]!)!.nodes[1]!.id;
    const next = await f.services.bookings.pageByCustomers(account, [customers[0]!], { first: 2, afterId });
    expect(ids(next.get(customers[0]!)!.nodes)).toEqual(newestFirst(made[0]!).slice(2, 4));
    expect(next.get(customers[0]!)!.hasNextPage).toBe(true);
    const last = await f.services.bookings.pageByCustomers(account, [customers[0]!], {
      first: 2,
      afterId: next.get(customers[0]!)!.nodes[1]!.id,
    });
    expect(last.get(customers[0]!)).toEqual({ nodes: [expect.objectContaining({ id: made[0]![0]!.id })], hasNextPage: false });
  });

  it("gives empty pages for unknown ids and other accounts' customers", async () => {
    const theirs = (await f.services.bookings.list(f.other, { first: 10 })).nodes[0]!;
    const pages = await f.services.bookings.pageByCustomers(account, [theirs.customerId!, 999_999], { first: 5 });
    expect([...pages.values()]).toEqual([
      { nodes: [], hasNextPage: false },
      { nodes: [], hasNextPage: false },
    ]);
    expect((await f.services.bookings.pageByCustomers(account, [], { first: 5 })).size).toBe(0);
  });
});
