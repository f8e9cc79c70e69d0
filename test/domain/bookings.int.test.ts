import { Booking } from '../../src/db/entities';
import { BookingService } from '../../src/domain/bookings/booking-service';
import { at, createDomainFixture, expectAppError, type DomainFixture } from './fixtures';

let f: DomainFixture;
beforeAll(async () => {
  f = await createDomainFixture();
});
afterAll(() => f.db.drop());

/** A product of the given capacity and a customer, in a fresh account unless one is given. */
async function setup(capacity = 5, priceCents = 2500) {
  const account = f.acme;
  const product = await f.services.products.create(account, { name: 'Boat trip', priceCents, capacity });
  const customer = await f.services.customers.create(account, { name: 'Ana', email: 'ana@example.com' });
  const book = (from: string, to: string, quantity = 1, day?: string) =>
    f.services.bookings.create(account, {
      productId: product.id,
      customerId: customer.id,
      startsAt: at(from, day),
      endsAt: at(to, day),
      quantity,
    });
  return { account, product, customer, book };
}

describe('BookingService.create', () => {
  it('confirms a booking with a fixed total and a BK- reference', async () => {
    const { book, product, customer } = await setup(5, 2500);
    const booking = await book('10:00', '12:00', 3);
    expect(booking).toMatchObject({
      productId: product.id,
      customerId: customer.id,
      quantity: 3,
      status: 'CONFIRMED',
      totalCents: 7500,
      cancelledAt: null,
      startsAt: at('10:00'),
      endsAt: at('12:00'),
    });
    expect(booking.reference).toMatch(/^BK-[A-HJKMNP-TV-Z2-9]{8}$/);
  });

  it.each([
    [{ endsAt: at('10:00') }, 'endsAt'],
    [{ endsAt: at('09:00') }, 'endsAt'],
    [{ endsAt: at('10:00', '2031-06-13') }, 'endsAt'],
    [{ quantity: 0 }, 'quantity'],
    [{ quantity: -2 }, 'quantity'],
    [{ notes: 'x'.repeat(2001) }, 'notes'],
  ])('refuses %j naming %s, writing nothing', async (change, field) => {
    const { product, customer } = await setup();
    const before = await f.rowCounts();
    const input = { productId: product.id, customerId: customer.id, startsAt: at('10:00'), endsAt: at('11:00'), ...change };
    await expectAppError(f.services.bookings.create(f.acme, input), 'BAD_USER_INPUT', field);
    expect(await f.rowCounts()).toEqual(before);
  });

  it('refuses a total beyond the largest Int, naming quantity', async () => {
    const { book } = await setup(100_000, 2 ** 31 - 1);
    await expectAppError(book('10:00', '11:00', 2), 'BAD_USER_INPUT', 'quantity');
  });

  it("answers NOT_FOUND naming productId/customerId for unknown and other accounts' ids, writing nothing", async () => {
    const { product, customer } = await setup();
    const theirProduct = await f.services.products.create(f.other, { name: 'Theirs', priceCents: 1, capacity: 9 });
    const theirCustomer = await f.services.customers.create(f.other, { name: 'Theirs', email: 't@example.com' });
    const before = await f.rowCounts();
    const base = { productId: product.id, customerId: customer.id, startsAt: at('10:00'), endsAt: at('11:00') };
    for (const productId of [theirProduct.id, 999_999]) {
      const error = await expectAppError(f.services.bookings.create(f.acme, { ...base, productId }), 'NOT_FOUND', 'productId');
      expect(error.message).toContain('productId');
    }
    for (const customerId of [theirCustomer.id, 999_999]) {
      const error = await expectAppError(f.services.bookings.create(f.acme, { ...base, customerId }), 'NOT_FOUND', 'customerId');
      expect(error.message).toContain('customerId');
    }
    expect(await f.rowCounts()).toEqual(before);
  });

  it('refuses with CAPACITY_EXCEEDED what does not fit, saying how many are free', async () => {
    const { book } = await setup(5);
    await book('10:00', '12:00', 3);
    const error = await expectAppError(book('11:00', '13:00', 3), 'CAPACITY_EXCEEDED');
    expect(error.extensions).toMatchObject({ available: 2, requested: 3 });
    expect(error.message).toMatch(/^Only 2 of 5 units/);
    await expect(book('11:00', '13:00', 2)).resolves.toMatchObject({ status: 'CONFIRMED' });
  });

  it('checks the peak within the window, not the sum of what touches it', async () => {
    const { book } = await setup(5);
    await book('09:00', '10:00', 3);
    await book('12:00', '13:00', 3);
    await book('10:00', '12:00', 2); // touches both, overlaps neither: peak use is 3
    const error = await expectAppError(book('08:00', '14:00', 3), 'CAPACITY_EXCEEDED');
    expect(error.extensions).toMatchObject({ available: 2, requested: 3 });
    await expect(book('08:00', '14:00', 2)).resolves.toMatchObject({ quantity: 2 });
    await expectAppError(book('09:30', '09:45', 1), 'CAPACITY_EXCEEDED');
  });

  it('frees capacity when a booking is cancelled', async () => {
    const { book } = await setup(2);
    const first = await book('10:00', '11:00', 2);
    await expectAppError(book('10:00', '11:00', 1), 'CAPACITY_EXCEEDED');
    await f.services.bookings.cancel(f.acme, first.id);
    await expect(book('10:00', '11:00', 2)).resolves.toMatchObject({ status: 'CONFIRMED' });
  });

  it('retries a reference already taken in the account; other accounts may reuse it', async () => {
    const { product, customer } = await setup();
    const input = { productId: product.id, customerId: customer.id, startsAt: at('10:00'), endsAt: at('11:00') };
    const codes = ['BK-AAAAAAAA', 'BK-AAAAAAAA', 'BK-BBBBBBBB'];
    const service = new BookingService(f.db.dataSource, f.services.repos, { newReference: () => codes.shift()! });
    expect((await service.create(f.acme, input)).reference).toBe('BK-AAAAAAAA');
    expect((await service.create(f.acme, input)).reference).toBe('BK-BBBBBBBB');
    const theirs = await f.services.products.create(f.other, { name: 'P', priceCents: 1, capacity: 1 });
    const theirCustomer = await f.services.customers.create(f.other, { name: 'C', email: 'c@example.com' });
    const again = new BookingService(f.db.dataSource, f.services.repos, { newReference: () => 'BK-AAAAAAAA' });
    const other = await again.create(f.other, { ...input, productId: theirs.id, customerId: theirCustomer.id });
    expect(other.reference).toBe('BK-AAAAAAAA');
  });
});

describe('BookingService.update and cancel', () => {
  it('moves a booking, checking capacity without counting the booking itself', async () => {
    const { book } = await setup(3);
    const mine = await book('10:00', '11:00', 3);
    const moved = await f.services.bookings.update(f.acme, mine.id, { endsAt: at('12:00') });
    expect(moved).toMatchObject({ startsAt: at('10:00'), endsAt: at('12:00'), quantity: 3 });
    await book('13:00', '14:00', 2);
    await expectAppError(f.services.bookings.update(f.acme, mine.id, { startsAt: at('12:30'), endsAt: at('13:30') }), 'CAPACITY_EXCEEDED');
    expect(await f.services.bookings.get(f.acme, mine.id)).toMatchObject({ startsAt: at('10:00'), endsAt: at('12:00') });
  });

  it('names the field the caller changed when the window is wrong', async () => {
    const { book } = await setup();
    const mine = await book('10:00', '11:00');
    await expectAppError(f.services.bookings.update(f.acme, mine.id, { startsAt: at('11:30') }), 'BAD_USER_INPUT', 'startsAt');
    await expectAppError(f.services.bookings.update(f.acme, mine.id, { endsAt: at('09:00') }), 'BAD_USER_INPUT', 'endsAt');
    await expectAppError(f.services.bookings.update(f.acme, mine.id, { quantity: 0 }), 'BAD_USER_INPUT', 'quantity');
  });

  it('keeps the unit price fixed at booking time when the quantity changes', async () => {
    const { book, product } = await setup(5, 1000);
    const mine = await book('10:00', '11:00', 2);
    await f.services.products.update(f.acme, product.id, { priceCents: 9999 });
    expect(await f.services.bookings.update(f.acme, mine.id, { quantity: 3, notes: 'window seat' })).toMatchObject({
      quantity: 3,
      totalCents: 3000,
      notes: 'window seat',
    });
  });

  it('lets a booking shrink even where capacity was lowered below what is booked', async () => {
    const { book, product } = await setup(4);
    const mine = await book('10:00', '12:00', 4);
    await f.services.products.update(f.acme, product.id, { capacity: 1 });
    await expect(f.services.bookings.update(f.acme, mine.id, { quantity: 2, endsAt: at('11:00') })).resolves.toMatchObject({ quantity: 2 });
    await expectAppError(f.services.bookings.update(f.acme, mine.id, { quantity: 3 }), 'CAPACITY_EXCEEDED');
  });

  it('cancels idempotently and refuses to change a cancelled booking', async () => {
    const { book } = await setup();
    const mine = await book('10:00', '11:00');
    const cancelled = await f.services.bookings.cancel(f.acme, mine.id);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.cancelledAt).toBeInstanceOf(Date);
    const again = await f.services.bookings.cancel(f.acme, mine.id);
    expect(again).toMatchObject({ status: 'CANCELLED', cancelledAt: cancelled.cancelledAt });
    await expectAppError(f.services.bookings.update(f.acme, mine.id, { notes: 'late' }), 'BAD_USER_INPUT', 'id');
  });

  it("answers NOT_FOUND for another account's booking and changes nothing", async () => {
    const theirProduct = await f.services.products.create(f.other, { name: 'Theirs', priceCents: 1, capacity: 9 });
    const theirCustomer = await f.services.customers.create(f.other, { name: 'Theirs', email: 't@example.com' });
    const theirs = await f.services.bookings.create(f.other, {
      productId: theirProduct.id,
      customerId: theirCustomer.id,
      startsAt: at('10:00'),
      endsAt: at('11:00'),
    });
    for (const id of [theirs.id, 999_999]) {
      await expectAppError(f.services.bookings.get(f.acme, id), 'NOT_FOUND');
      await expectAppError(f.services.bookings.update(f.acme, id, { quantity: 2 }), 'NOT_FOUND');
      await expectAppError(f.services.bookings.cancel(f.acme, id), 'NOT_FOUND');
    }
    expect(await f.services.bookings.findByIds(f.acme, [theirs.id])).toEqual([]);
    expect(await f.db.dataSource.getRepository(Booking).findOneByOrFail({ id: theirs.id })).toMatchObject({
      status: 'CONFIRMED',
      quantity: 1,
    });
  });
});
