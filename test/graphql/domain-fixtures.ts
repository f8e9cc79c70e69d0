import { Booking, Customer, Product } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import type { TestServer } from '../support/server';

/**
 * Rows for the domain GraphQL tests, made through the services (the same rules
 * as the API) so each test states only the shape it needs.
 */
export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

/** Midnight UTC a week from now: far enough ahead that no rule about the past applies. */
export function futureDay(offsetDays = 0): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + (7 + offsetDays) * DAY;
}

export interface Catalog {
  accountId: number;
  products: Product[];
  customers: Customer[];
  bookings: Booking[];
}

/**
 * `products` products (capacity `capacity`), `customers` customers, and
 * `bookings` one-hour bookings spread over them, each in its own hour so no
 * capacity rule gets in the way.
 */
export async function createCatalog(
  server: TestServer,
  slug: string,
  counts: { products?: number; customers?: number; bookings?: number; capacity?: number },
): Promise<Catalog> {
  const { products: p = 2, customers: c = 3, bookings: b = 4, capacity = 10 } = counts;
  const services = server.app.services;
  const { id: accountId } = await server.account(slug);
  const products: Product[] = [];
  for (let i = 0; i < p; i++) {
    products.push(await services.products.create(accountId, { name: `${slug} product ${i}`, priceCents: 1000 + i, capacity }));
  }
  const customers: Customer[] = [];
  for (let i = 0; i < c; i++) {
    customers.push(await services.customers.create(accountId, { name: `${slug} customer ${i}`, email: `c${i}@${slug}.example.com` }));
  }
  const bookings: Booking[] = [];
  const base = futureDay();
  for (let i = 0; i < b; i++) {
    const startsAt = new Date(base + i * HOUR);
    bookings.push(
      await services.bookings.create(accountId, {
        productId: products[i % p]!.id,
        customerId: customers[i % c]!.id,
        startsAt,
        endsAt: new Date(startsAt.getTime() + HOUR),
        quantity: 1,
      }),
    );
  }
  return { accountId, products, customers, bookings };
}

export const gid = {
  product: (row: { id: number }) => toGlobalId('Product', row.id),
  customer: (row: { id: number }) => toGlobalId('Customer', row.id),
  booking: (row: { id: number }) => toGlobalId('Booking', row.id),
};

/** Every product, customer and booking row of an account, for "nothing changed" checks. */
export async function accountRows(server: TestServer, accountId: number): Promise<unknown[]> {
  const ds = server.db.dataSource;
  return [
    await ds.getRepository(Product).find({ where: { accountId }, order: { id: 'ASC' } }),
    await ds.getRepository(Customer).find({ where: { accountId }, order: { id: 'ASC' } }),
    await ds.getRepository(Booking).find({ where: { accountId }, order: { id: 'ASC' } }),
  ];
}
