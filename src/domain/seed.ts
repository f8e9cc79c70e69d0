/**
 * Demo data for newcomers (`npx scopeql seed --account acme`): a small outdoor
 * and cooking business, so the README's example queries answer with something.
 *
 * Everything goes through the same services as the API, so the seed obeys the
 * same rules (capacity, validation, references, totals). The data is fixed and
 * laid out relative to `now`: bookings always lie in the coming four weeks, and
 * no two bookings of one product overlap, so a fresh booking at any time still
 * fits (the README's booking example relies on that).
 */
import type { BookingService } from './bookings/booking-service';
import type { CustomerService } from './customers/customer-service';
import type { ProductService } from './products/product-service';

/** The services the seed goes through: the very ones the API and the CLI use. */
export interface SeedServices {
  products: ProductService;
  customers: CustomerService;
  bookings: BookingService;
}

export type SeedResult =
  | { seeded: true; products: number; customers: number; bookings: number; cancelled: number }
  | { seeded: false; reason: 'account already has products' };

interface ProductSeed {
  name: string;
  description: string;
  priceCents: number;
  capacity: number;
  /** Start of the day's session, UTC hours, and its length in minutes. */
  startHour: number;
  minutes: number;
  notes?: string;
}

const PRODUCTS: ProductSeed[] = [
  { name: 'Sea kayak tour', description: 'Three hours along the cliffs with a guide. Wetsuits and dry bags included.', priceCents: 6500, capacity: 8, startHour: 9, minutes: 180 },
  { name: 'City bike rental (half day)', description: 'A city bike with lock and helmet for four hours.', priceCents: 1800, capacity: 12, startHour: 10, minutes: 240, notes: 'Child seat, please' },
  { name: 'Fresh pasta cooking class', description: 'Make tagliatelle and ravioli from scratch, then eat them. Wine included.', priceCents: 8500, capacity: 10, startHour: 18, minutes: 150, notes: 'Vegetarian' },
];

const CUSTOMERS = [
  { name: 'Amira Haddad', email: 'amira.haddad@example.com', phone: '+44 20 7946 0101' },
  { name: 'Bjorn Lindqvist', email: 'bjorn.lindqvist@example.org' },
  { name: 'Chiara Rossi', email: 'chiara.rossi@example.com', phone: '+39 06 5550 1234' },
  { name: 'Daniel Okafor', email: 'daniel.okafor@example.net' },
  { name: 'Elena Petrova', email: 'elena.petrova@example.com', notes: 'Prefers morning sessions' },
  { name: 'Fatima Zahra Benali', email: 'fatima.benali@example.org', phone: '+33 1 55 55 01 02' },
  { name: 'George Mitchell', email: 'george.mitchell@example.com' },
  { name: 'Hana Suzuki', email: 'hana.suzuki@example.jp', phone: '+81 3 5555 0199' },
  { name: 'Isaac Cohen', email: 'isaac.cohen@example.com' },
  { name: 'Julia Novak', email: 'julia.novak@example.net', notes: 'Corporate group organiser' },
];

const BOOKINGS = 30;
const DAYS = 28;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Seeds one account unless it already has products: running it twice must not
 * double the demo data, and it must never mix demo rows into a real account.
 */
export async function seedAccount(services: SeedServices, accountId: number, now = new Date()): Promise<SeedResult> {
  const existing = await services.products.list(accountId, { first: 1 });
  if (existing.nodes.length > 0) return { seeded: false, reason: 'account already has products' };

  const products: { id: number; seed: ProductSeed }[] = [];
  for (const seed of PRODUCTS) {
    const { name, description, priceCents, capacity } = seed;
    products.push({ id: (await services.products.create(accountId, { name, description, priceCents, capacity })).id, seed });
  }
  const customers: number[] = [];
  for (const customer of CUSTOMERS) customers.push((await services.customers.create(accountId, customer)).id);

  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let cancelled = 0;
  for (let i = 0; i < BOOKINGS; i++) {
    // Products take turns, so one product's bookings are at least two days
    // apart and never overlap; customers are spread with a stride coprime to 10.
    const product = products[i % products.length]!;
    const day = today + (1 + Math.floor((i * DAYS) / BOOKINGS)) * DAY_MS;
    const startsAt = new Date(day + product.seed.startHour * 60 * 60 * 1000);
    const booking = await services.bookings.create(accountId, {
      productId: product.id,
      customerId: customers[(i * 7) % customers.length]!,
      startsAt,
      endsAt: new Date(startsAt.getTime() + product.seed.minutes * 60 * 1000),
      quantity: 1 + (i % 4),
      ...(i % 5 === 2 && product.seed.notes ? { notes: product.seed.notes } : {}),
    });
    if (i % 7 === 3) {
      await services.bookings.cancel(accountId, booking.id);
      cancelled++;
    }
  }
  return { seeded: true, products: products.length, customers: customers.length, bookings: BOOKINGS, cancelled };
}
