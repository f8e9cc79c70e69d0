import { at, createDomainFixture, expectAppError, type DomainFixture } from './fixtures';

let f: DomainFixture;
beforeAll(async () => {
  f = await createDomainFixture();
});
afterAll(() => f.db.drop());

const kayak = { name: 'Kayak tour', priceCents: 4500, capacity: 5 };
const day = (d: number) => new Date(Date.UTC(2031, 6, d));

describe('ProductService', () => {
  it('creates, reads and updates a product of the account', async () => {
    const created = await f.services.products.create(f.acme, { ...kayak, name: '  Kayak tour ', description: 'Two hours' });
    expect(created).toMatchObject({ id: expect.any(Number), accountId: f.acme, name: 'Kayak tour', description: 'Two hours' });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await f.services.products.get(f.acme, created.id)).toMatchObject({ name: 'Kayak tour', capacity: 5 });

    const updated = await f.services.products.update(f.acme, created.id, { priceCents: 5000, description: null });
    expect(updated).toMatchObject({ name: 'Kayak tour', priceCents: 5000, description: null, capacity: 5 });
  });

  it.each([
    [{ name: ' ' }, 'name'],
    [{ priceCents: -5 }, 'priceCents'],
    [{ capacity: 0 }, 'capacity'],
    [{ capacity: 200_000 }, 'capacity'],
  ])('refuses %j naming %s, writing nothing', async (change, field) => {
    const before = await f.rowCounts();
    await expectAppError(f.services.products.create(f.acme, { ...kayak, ...change }), 'BAD_USER_INPUT', field);
    expect(await f.rowCounts()).toEqual(before);
  });

  it('refuses an invalid update and leaves the row as it was', async () => {
    const product = await f.services.products.create(f.acme, kayak);
    await expectAppError(f.services.products.update(f.acme, product.id, { name: 'New', capacity: -1 }), 'BAD_USER_INPUT', 'capacity');
    expect(await f.services.products.get(f.acme, product.id)).toMatchObject({ name: 'Kayak tour', capacity: 5 });
  });

  it("answers NOT_FOUND for another account's product as for a missing one", async () => {
    const theirs = await f.services.products.create(f.other, kayak);
    for (const id of [theirs.id, 999_999]) {
      await expectAppError(f.services.products.get(f.acme, id), 'NOT_FOUND');
      await expectAppError(f.services.products.update(f.acme, id, { name: 'Mine now' }), 'NOT_FOUND');
      await expectAppError(f.services.products.availability(f.acme, id, day(1), day(2)), 'NOT_FOUND', 'productId');
    }
    expect(await f.services.products.findByIds(f.acme, [theirs.id])).toEqual([]);
    expect((await f.services.products.get(f.other, theirs.id)).name).toBe('Kayak tour');
  });

  it('lists newest first with keyset pages, only the account’s own', async () => {
    const { acme } = await createAccountWithProducts(5);
    const first = await f.services.products.list(acme, { first: 2 });
    expect(first.nodes.map((p) => p.name)).toEqual(['P5', 'P4']);
    expect(first.hasNextPage).toBe(true);
    const second = await f.services.products.list(acme, { first: 2, afterId: first.nodes[1]!.id });
    expect(second.nodes.map((p) => p.name)).toEqual(['P3', 'P2']);
    const last = await f.services.products.list(acme, { first: 2, afterId: second.nodes[1]!.id });
    expect(last).toEqual({ nodes: [expect.objectContaining({ name: 'P1' })], hasNextPage: false });
  });

  it('finds many by id in one call', async () => {
    const { acme, ids } = await createAccountWithProducts(3);
    const found = await f.services.products.findByIds(acme, [ids[2]!, ids[0]!, ids[0]!, 424_242]);
    expect(found.map((p) => p.name).sort()).toEqual(['P1', 'P3']);
  });
});

describe('ProductService.availability', () => {
  it('returns consecutive slots of free units from confirmed bookings only', async () => {
    const product = await f.services.products.create(f.acme, kayak);
    const customer = await f.services.customers.create(f.acme, { name: 'Ana', email: 'ana@example.com' });
    const book = (from: string, to: string, quantity: number) =>
      f.services.bookings.create(f.acme, { productId: product.id, customerId: customer.id, startsAt: at(from), endsAt: at(to), quantity });
    await book('10:00', '12:00', 2);
    await book('11:00', '13:00', 1);
    const cancelled = await book('08:00', '18:00', 2);
    await f.services.bookings.cancel(f.acme, cancelled.id);

    const slots = await f.services.products.availability(f.acme, product.id, at('09:00'), at('14:00'));
    expect(slots.map((s) => [s.startsAt.toISOString().slice(11, 16), s.endsAt.toISOString().slice(11, 16), s.available])).toEqual([
      ['09:00', '10:00', 5],
      ['10:00', '11:00', 3],
      ['11:00', '12:00', 2],
      ['12:00', '13:00', 4],
      ['13:00', '14:00', 5],
    ]);
  });

  it('allows lowering capacity below what is booked, and shows 0 (never negative) there', async () => {
    const product = await f.services.products.create(f.acme, { ...kayak, capacity: 4 });
    const customer = await f.services.customers.create(f.acme, { name: 'Ben', email: 'ben@example.com' });
    await f.services.bookings.create(f.acme, { productId: product.id, customerId: customer.id, startsAt: at('10:00'), endsAt: at('11:00'), quantity: 4 });
    await f.services.products.update(f.acme, product.id, { capacity: 2 });
    const slots = await f.services.products.availability(f.acme, product.id, at('09:00'), at('12:00'));
    expect(slots.map((s) => s.available)).toEqual([2, 0, 2]);
  });

  it('refuses a window that is empty, reversed or longer than 31 days, naming `to`', async () => {
    const product = await f.services.products.create(f.acme, kayak);
    await expectAppError(f.services.products.availability(f.acme, product.id, day(2), day(2)), 'BAD_USER_INPUT', 'to');
    await expectAppError(f.services.products.availability(f.acme, product.id, day(3), day(2)), 'BAD_USER_INPUT', 'to');
    await expectAppError(f.services.products.availability(f.acme, product.id, day(1), day(1 + 32)), 'BAD_USER_INPUT', 'to');
    expect(await f.services.products.availability(f.acme, product.id, day(1), day(1 + 31))).toEqual([
      { startsAt: day(1), endsAt: day(32), available: 5 },
    ]);
  });
});

/** A fresh account, so list assertions are not disturbed by other tests' rows. */
async function createAccountWithProducts(count: number): Promise<{ acme: number; ids: number[] }> {
  const account = await f.services.repos.accounts.findOrCreate(`list-${Math.random().toString(36).slice(2)}`, 'List');
  const ids: number[] = [];
  for (let i = 1; i <= count; i += 1) ids.push((await f.services.products.create(account.id, { ...kayak, name: `P${i}` })).id);
  return { acme: account.id, ids };
}
