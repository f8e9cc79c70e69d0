import DataLoader from 'dataloader';
import type { ApiKey, Booking, Customer, Product, ScopePolicy } from '../db/entities';
import type { Services } from '../services';

/**
 * Per-request DataLoaders: a list of N keys costs one query per relation, not N.
 * They are made per request, bound to the caller's account, so one caller's rows
 * are never served to another and an id of another account loads as null
 * (exactly like an id that does not exist).
 */
export interface Loaders {
  policiesOfKey: DataLoader<number, ScopePolicy[]>;
  keyInAccount: DataLoader<number, ApiKey | null>;
  product: DataLoader<number, Product | null>;
  customer: DataLoader<number, Customer | null>;
  booking: DataLoader<number, Booking | null>;
  /** The loader for one page shape of `Customer.bookings`, keyed by customer id. */
  bookingsOfCustomers(page: { first: number; afterId?: number }): DataLoader<number, BookingPage>;
}

export interface BookingPage {
  nodes: Booking[];
  hasNextPage: boolean;
}

export function createLoaders(services: Services, accountId: number): Loaders {
  // One loader per distinct (first, after): every customer in a batch must share
  // the page shape so that one `pageByCustomers` call answers them all. Aliases
  // asking different pages get their own loader and their own single query.
  const bookingPages = new Map<string, DataLoader<number, BookingPage>>();

  return {
    policiesOfKey: new DataLoader(async (ids) => {
      const byKey = await services.repos.apiKeys.policiesOfKeys(ids);
      return ids.map((id) => byKey.get(id) ?? []);
    }),
    keyInAccount: new DataLoader(async (ids) =>
      Promise.all(ids.map((id) => services.repos.apiKeys.findInAccount(accountId, id))),
    ),
    product: byId((ids) => services.products.findByIds(accountId, ids)),
    customer: byId((ids) => services.customers.findByIds(accountId, ids)),
    booking: byId((ids) => services.bookings.findByIds(accountId, ids)),
    bookingsOfCustomers(page) {
      const shape = `${page.first}:${page.afterId ?? ''}`;
      let loader = bookingPages.get(shape);
      if (!loader) {
        loader = new DataLoader(async (customerIds) => {
          const pages = await services.bookings.pageByCustomers(accountId, customerIds, page);
          return customerIds.map((id) => pages.get(id) ?? { nodes: [], hasNextPage: false });
        });
        bookingPages.set(shape, loader);
      }
      return loader;
    },
  };
}

/**
 * A loader over a `findByIds` that returns rows in any order and omits the ids
 * it cannot see; DataLoader needs one answer per key, in key order.
 */
function byId<T extends { id: number }>(findByIds: (ids: readonly number[]) => Promise<T[]>): DataLoader<number, T | null> {
  return new DataLoader(async (ids) => {
    const rows = new Map((await findByIds(ids)).map((row) => [row.id, row] as const));
    return ids.map((id) => rows.get(id) ?? null);
  });
}
