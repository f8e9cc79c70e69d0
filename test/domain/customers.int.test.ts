import { Booking, Customer } from '../../src/db/entities';
import { at, createDomainFixture, expectAppError, type DomainFixture } from './fixtures';

let f: DomainFixture;
beforeAll(async () => {
  f = await createDomainFixture();
});
afterAll(() => f.db.drop());

const ana = { name: 'Ana Lima', email: 'ana@example.com' };
const freshAccount = async () =>
  (await f.services.repos.accounts.findOrCreate(`c-${Math.random().toString(36).slice(2)}`, 'Customers')).id;

describe('CustomerService writes', () => {
  it('creates and updates, keeping the lower-case search columns in step', async () => {
    const created = await f.services.customers.create(f.acme, { ...ana, email: ' Ana@Example.com ', phone: '+351 21 000 0000' });
    expect(created).toMatchObject({ name: 'Ana Lima', email: 'Ana@Example.com', emailLower: 'ana@example.com', nameLower: 'ana lima' });

    const updated = await f.services.customers.update(f.acme, created.id, { name: 'ANA Souza', email: 'A.Souza@Example.com', phone: null });
    expect(updated).toMatchObject({ name: 'ANA Souza', nameLower: 'ana souza', emailLower: 'a.souza@example.com', phone: null });
    const row = await f.db.dataSource.getRepository(Customer).findOneByOrFail({ id: created.id });
    expect(row).toMatchObject({ nameLower: 'ana souza', emailLower: 'a.souza@example.com' });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ email: 'not-an-email' }, 'email'],
    [{ phone: 'call me' }, 'phone'],
    [{ notes: 'n'.repeat(2001) }, 'notes'],
  ])('refuses %j naming %s, writing nothing', async (change, field) => {
    const before = await f.rowCounts();
    await expectAppError(f.services.customers.create(f.acme, { ...ana, ...change }), 'BAD_USER_INPUT', field);
    expect(await f.rowCounts()).toEqual(before);
  });

  it('refuses a bad update and leaves the row as it was', async () => {
    const customer = await f.services.customers.create(f.acme, ana);
    await expectAppError(f.services.customers.update(f.acme, customer.id, { name: 'Other', email: 'nope' }), 'BAD_USER_INPUT', 'email');
    expect(await f.services.customers.get(f.acme, customer.id)).toMatchObject({ name: 'Ana Lima', email: 'ana@example.com' });
  });

  it("answers NOT_FOUND for another account's customer as for a missing one, and changes nothing", async () => {
    const theirs = await f.services.customers.create(f.other, ana);
    for (const id of [theirs.id, 999_999]) {
      await expectAppError(f.services.customers.get(f.acme, id), 'NOT_FOUND');
      await expectAppError(f.services.customers.update(f.acme, id, { name: 'Taken' }), 'NOT_FOUND');
      await expectAppError(f.services.customers.delete(f.acme, id), 'NOT_FOUND');
    }
    expect(await f.services.customers.findByIds(f.acme, [theirs.id])).toEqual([]);
    expect(await f.services.customers.get(f.other, theirs.id)).toMatchObject({ name: 'Ana Lima' });
  });

  it('deletes a customer and keeps their bookings with customerId null', async () => {
    const customer = await f.services.customers.create(f.acme, ana);
    const product = await f.services.products.create(f.acme, { name: 'Bike', priceCents: 1000, capacity: 3 });
    const booking = await f.services.bookings.create(f.acme, {
      productId: product.id,
      customerId: customer.id,
      startsAt: at('10:00'),
      endsAt: at('11:00'),
    });

    await f.services.customers.delete(f.acme, customer.id);

    await expectAppError(f.services.customers.get(f.acme, customer.id), 'NOT_FOUND');
    const kept = await f.db.dataSource.getRepository(Booking).findOneByOrFail({ id: booking.id });
    expect(kept).toMatchObject({ customerId: null, status: 'CONFIRMED', totalCents: 1000 });
  });
});

describe('CustomerService.list', () => {
  it('pages newest first', async () => {
    const account = await freshAccount();
    for (const name of ['A', 'B', 'C']) await f.services.customers.create(account, { name, email: `${name}@example.com` });
    const first = await f.services.customers.list(account, { first: 2 });
    expect(first.nodes.map((c) => c.name)).toEqual(['C', 'B']);
    expect(first.hasNextPage).toBe(true);
    const rest = await f.services.customers.list(account, { first: 2, afterId: first.nodes[1]!.id });
    expect(rest.nodes.map((c) => c.name)).toEqual(['A']);
    expect(rest.hasNextPage).toBe(false);
  });

  it('searches name or email case-insensitively, non-ASCII included', async () => {
    const account = await freshAccount();
    await f.services.customers.create(account, { name: 'Zoë Ångström', email: 'zoe@fjord.no' });
    await f.services.customers.create(account, { name: 'Bob Stone', email: 'BOB@Example.com' });
    await f.services.customers.create(account, { name: 'Zoe Plain', email: 'plain@example.com' });
    const names = async (search: string) =>
      (await f.services.customers.list(account, { first: 20 }, search)).nodes.map((c) => c.name).sort();

    expect(await names('ZOË')).toEqual(['Zoë Ångström']);
    expect(await names('zoë')).toEqual(['Zoë Ångström']);
    expect(await names('Zoe\u0308')).toEqual(['Zoë Ångström']); // decomposed ë
    expect(await names('ÅNGSTRÖM')).toEqual(['Zoë Ångström']);
    expect(await names('zoe')).toEqual(['Zoe Plain', 'Zoë Ångström']); // "zoe@fjord.no" matches by email
    expect(await names('bob@example')).toEqual(['Bob Stone']);
    expect(await names('EXAMPLE.COM')).toEqual(['Bob Stone', 'Zoe Plain']);
    expect(await names('  ')).toEqual(['Bob Stone', 'Zoe Plain', 'Zoë Ångström']);
    expect(await names('nobody')).toEqual([]);
  });

  it('treats % and _ in the search as plain characters', async () => {
    const account = await freshAccount();
    await f.services.customers.create(account, { name: '100% Tours', email: 'a_b@example.com' });
    await f.services.customers.create(account, { name: '100 Tours', email: 'axb@example.com' });
    const names = async (search: string) => (await f.services.customers.list(account, { first: 20 }, search)).nodes.map((c) => c.name);
    expect(await names('%')).toEqual(['100% Tours']);
    expect(await names('a_b')).toEqual(['100% Tours']);
    expect(await names('!')).toEqual([]);
  });

  it('pages within search results and never shows another account', async () => {
    const account = await freshAccount();
    for (let i = 1; i <= 3; i += 1) await f.services.customers.create(account, { name: `Match ${i}`, email: `m${i}@example.com` });
    await f.services.customers.create(account, { name: 'Other', email: 'other@example.com' });
    await f.services.customers.create(f.other, { name: 'Match elsewhere', email: 'x@example.com' });
    const first = await f.services.customers.list(account, { first: 2 }, 'match');
    expect(first.nodes.map((c) => c.name)).toEqual(['Match 3', 'Match 2']);
    const rest = await f.services.customers.list(account, { first: 2, afterId: first.nodes[1]!.id }, 'match');
    expect(rest).toEqual({ nodes: [expect.objectContaining({ name: 'Match 1' })], hasNextPage: false });
  });
});
