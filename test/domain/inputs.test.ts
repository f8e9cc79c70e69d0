import { AppError } from '../../src/errors';
import { validateCreateBooking } from '../../src/domain/bookings/booking-input';
import { REFERENCE_ALPHABET, newReference } from '../../src/domain/bookings/reference';
import { searchKey, validateCreateCustomer, validateSearch } from '../../src/domain/customers/customer-input';
import { validateCreateProduct, validateUpdateProduct } from '../../src/domain/products/product-input';

/** The field named by the BAD_USER_INPUT thrown by `fn`. */
function badField(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    expect((error as AppError).message.length).toBeGreaterThan(10);
    return (error as AppError).extensions.field;
  }
  throw new Error('expected BAD_USER_INPUT');
}

const product = { name: 'Kayak', priceCents: 4500, capacity: 5 };
const customer = { name: 'Zoë Ange', email: 'zoe@example.com' };
const booking = {
  productId: 1,
  customerId: 1,
  startsAt: new Date('2031-05-12T10:00:00Z'),
  endsAt: new Date('2031-05-12T12:00:00Z'),
};

describe('product input', () => {
  it('trims and accepts a valid product', () => {
    expect(validateCreateProduct({ ...product, name: '  Kayak  ', description: ' ' })).toEqual({
      name: 'Kayak',
      description: null,
      priceCents: 4500,
      capacity: 5,
    });
  });

  it.each([
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ description: 'x'.repeat(2001) }, 'description'],
    [{ priceCents: -1 }, 'priceCents'],
    [{ priceCents: 1.5 }, 'priceCents'],
    [{ priceCents: 2 ** 31 }, 'priceCents'],
    [{ capacity: 0 }, 'capacity'],
    [{ capacity: 100_001 }, 'capacity'],
  ])('refuses %j naming %s', (change, field) => {
    expect(badField(() => validateCreateProduct({ ...product, ...change }))).toBe(field);
  });

  it('leaves out of a patch what is omitted or null, and clears description with null', () => {
    expect(validateUpdateProduct({ name: null, capacity: 3, description: null })).toEqual({ capacity: 3, description: null });
  });
});

describe('customer input', () => {
  it('stores trimmed values and lower-cased search keys', () => {
    expect(validateCreateCustomer({ name: ' ZOË Ange ', email: ' Zoe@Example.COM ', phone: ' +44 (20) 7946-0958 ' })).toEqual({
      name: 'ZOË Ange',
      nameLower: 'zoë ange',
      email: 'Zoe@Example.COM',
      emailLower: 'zoe@example.com',
      phone: '+44 (20) 7946-0958',
      notes: null,
    });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ email: 'zoe' }, 'email'],
    [{ email: 'zoe@example' }, 'email'],
    [{ email: 'zo e@example.com' }, 'email'],
    [{ email: 'zoe@@example.com' }, 'email'],
    [{ email: `${'a'.repeat(250)}@example.com` }, 'email'],
    [{ phone: '0800 CALL-NOW' }, 'phone'],
    [{ phone: '+-()' }, 'phone'],
    [{ phone: '1'.repeat(41) }, 'phone'],
    [{ notes: 'x'.repeat(2001) }, 'notes'],
  ])('refuses %j naming %s', (change, field) => {
    expect(badField(() => validateCreateCustomer({ ...customer, ...change }))).toBe(field);
  });

  it('normalizes composed and decomposed accents alike, and never outgrows the column', () => {
    expect(searchKey('Zoe\u0308', 200)).toBe(searchKey('ZOË', 200));
    expect([...searchKey('İ'.repeat(200), 200)]).toHaveLength(200);
    expect(validateSearch('  ')).toBeNull();
    expect(validateSearch(' ZOË ')).toBe('zoë');
  });
});

describe('booking input', () => {
  it.each([
    [{ endsAt: booking.startsAt }, 'endsAt'],
    [{ endsAt: new Date('2031-05-12T09:00:00Z') }, 'endsAt'],
    [{ endsAt: new Date('2031-06-13T10:00:00Z') }, 'endsAt'],
    [{ startsAt: new Date('nonsense') }, 'startsAt'],
    [{ quantity: 0 }, 'quantity'],
    [{ quantity: 2.5 }, 'quantity'],
    [{ notes: 'x'.repeat(2001) }, 'notes'],
  ])('refuses %j naming %s', (change, field) => {
    expect(badField(() => validateCreateBooking({ ...booking, ...change }))).toBe(field);
  });

  it('books one unit unless told otherwise, for up to 31 days', () => {
    expect(validateCreateBooking({ ...booking, quantity: null }).quantity).toBe(1);
    expect(() => validateCreateBooking({ ...booking, endsAt: new Date('2031-06-12T10:00:00Z') })).not.toThrow();
  });
});

describe('booking references', () => {
  it('are BK- and 8 characters of the unambiguous alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const reference = newReference();
      expect(reference).toMatch(new RegExp(`^BK-[${REFERENCE_ALPHABET}]{8}$`));
      seen.add(reference);
    }
    expect(seen.size).toBe(500);
    expect(REFERENCE_ALPHABET).not.toMatch(/[01ILOU]/);
  });
});
