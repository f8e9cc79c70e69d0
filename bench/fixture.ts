/**
 * The in-process fixture: the real SDL under `schema/`, the real resolvers, and
 * in-memory rows behind a stand-in for the few service methods those resolvers
 * call. Every variant (no authorization, ScopeQL, the peers) executes this same
 * schema over these same rows; only the authorization layer differs.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { AuthenticatedKey } from '../src/auth/authenticator';
import type { Booking, Customer, Product } from '../src/db/entities';
import type { CreateBookingInput } from '../src/domain/bookings/booking-input';
import { pagesByParent, type Page, type PageRequest } from '../src/domain/pages';
import { toConnection } from '../src/graphql/connection';
import { createContext, type GraphQLContext } from '../src/graphql/context';
import { resolvers } from '../src/graphql/resolvers';
import { loadTypeDefs } from '../src/graphql/schema';
import { toGlobalId } from '../src/global-id';
import { defaultScopeEngine, type ScopeEngine } from '../src/scopes/engine';
import type { Services } from '../src/services';

export const ACCOUNT_ID = 1;

export interface FixtureSize {
  /** Rows of the list operation (the 1,000). */
  listRows: number;
  /** Bookings of the deep operation, each with its customer's first `deepNested` bookings (and theirs). */
  deepRows: number;
  deepNested: number;
}

export const FULL_SIZE: FixtureSize = { listRows: 1000, deepRows: 100, deepNested: 5 };
export const TINY_SIZE: FixtureSize = { listRows: 5, deepRows: 3, deepNested: 2 };

/** The operations every variant runs; `document` is parsed once, as a server's document cache would. */
export interface BenchOperation {
  readonly name: string;
  readonly label: string;
  readonly document: DocumentNode;
  readonly variables: Record<string, unknown>;
}

/** The keys: one that may see everything, one denied `customers:read` (so `Booking.customer` on every row). */
export const KEYS = {
  allowed: ['products:*', 'customers:*', 'bookings:*'],
  denied: ['products:*', 'bookings:*'],
} as const;
export type KeyName = keyof typeof KEYS;

export interface Fixture {
  readonly size: FixtureSize;
  readonly engine: ScopeEngine;
  /** The SDL and resolvers with no authorization: `@requiresScope` is only an annotation here. */
  readonly plainSchema: GraphQLSchema;
  readonly operations: readonly BenchOperation[];
  /** A fresh request context (new DataLoaders), as the server makes one per request. */
  context(key: KeyName): GraphQLContext;
}

const HOUR = 3_600_000;
const BASE = Date.UTC(2030, 0, 1);

export function createFixture(size: FixtureSize = FULL_SIZE, engine: ScopeEngine = defaultScopeEngine()): Fixture {
  const data = createData(size);
  const services = inMemoryServices(data);
  const plainSchema = makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    // The real resolvers, except that the list operation may ask for more than a
    // page (MAX_PAGE_SIZE is 100): the overhead is measured on 1,000 rows.
    resolvers: [
      ...resolvers,
      {
        Query: {
          bookings: (_root: unknown, args: { first?: number | null }) =>
            toConnection({ nodes: data.bookings.slice(0, args.first ?? 20), hasNextPage: false }, {}),
        },
      },
    ] as never,
  });

  // Effective permissions are computed once per key, as the key cache does.
  const auth = Object.fromEntries(
    (Object.keys(KEYS) as KeyName[]).map((name) => {
      const scopes = [...KEYS[name]];
      const permissions = engine.permissionsFor({ keyType: 'SECRET', scopes, bundles: [], policies: [] });
      const key = { id: 1, accountId: ACCOUNT_ID, name, type: 'SECRET', prefix: 'sk_live_benc', scopes, bundles: [], policies: [] };
      const authenticated = { key, account: { id: ACCOUNT_ID, slug: 'bench', name: 'bench' }, policies: [], permissions };
      return [name, authenticated as unknown as AuthenticatedKey];
    }),
  ) as Record<KeyName, AuthenticatedKey>;

  const customer = toGlobalId('Customer', data.customers[0]!.id);
  const product = toGlobalId('Product', data.products[0]!.id);
  const operations: BenchOperation[] = [
    {
      name: 'list',
      label: `list of ${size.listRows.toLocaleString('en')} bookings`,
      document: parse(`query List($first: Int!) {
        bookings(first: $first) { edges { node {
          id reference startsAt endsAt quantity status totalCents notes
          customer { id name email }
        } } }
      }`),
      variables: { first: size.listRows },
    },
    {
      name: 'deep',
      label: 'deep nested',
      document: parse(`query Deep($first: Int!, $nested: Int!) {
        bookings(first: $first) { edges { node {
          reference status totalCents
          product { name priceCents }
          customer { name email bookings(first: $nested) { edges { node {
            reference quantity product { name } customer { name }
          } } } }
        } } }
      }`),
      variables: { first: size.deepRows, nested: size.deepNested },
    },
    {
      name: 'mutation',
      label: 'mutation',
      document: parse(`mutation Book($input: CreateBookingInput!) {
        createBooking(input: $input) { booking {
          id reference status totalCents startsAt endsAt
          product { name priceCents }
          customer { name email }
        } }
      }`),
      variables: {
        input: { productId: product, customerId: customer, startsAt: '2030-02-01T10:00:00Z', endsAt: '2030-02-01T11:00:00Z', quantity: 2 },
      },
    },
  ];

  return {
    size,
    engine,
    plainSchema,
    operations,
    context: (key) => createContext(services, auth[key], 'bench'),
  };
}

interface Data {
  products: Product[];
  customers: Customer[];
  bookings: Booking[];
  bookingsByCustomer: Map<number, Booking[]>;
}

function createData(size: FixtureSize): Data {
  const at = (hours: number) => new Date(BASE + hours * HOUR);
  const products = Array.from({ length: 5 }, (_, i) => ({
    id: i + 1,
    accountId: ACCOUNT_ID,
    name: `Product ${i + 1}`,
    description: 'A product of the benchmark',
    priceCents: 1000 + i * 250,
    capacity: 10,
    createdAt: at(-1000),
    updatedAt: at(-1000),
  })) as Product[];
  const customerCount = 100;
  const customers = Array.from({ length: customerCount }, (_, i) => ({
    id: i + 1,
    accountId: ACCOUNT_ID,
    name: `Customer ${i + 1}`,
    nameLower: `customer ${i + 1}`,
    email: `customer${i + 1}@example.com`,
    emailLower: `customer${i + 1}@example.com`,
    phone: null,
    notes: null,
    createdAt: at(-900),
    updatedAt: at(-900),
  })) as Customer[];
  // Enough bookings for the list, and for customers to have more than one page of their own.
  const bookingCount = Math.max(size.listRows, size.deepRows, customerCount * (size.deepNested + 1));
  const bookings = Array.from({ length: bookingCount }, (_, i) => {
    const product = products[i % products.length]!;
    return {
      id: bookingCount - i,
      accountId: ACCOUNT_ID,
      reference: `BK${String(bookingCount - i).padStart(6, '0')}`,
      productId: product.id,
      customerId: customers[i % customers.length]!.id,
      startsAt: at(i),
      endsAt: at(i + 1),
      quantity: 1 + (i % 3),
      status: i % 10 === 9 ? 'CANCELLED' : 'CONFIRMED',
      totalCents: product.priceCents * (1 + (i % 3)),
      notes: i % 4 === 0 ? 'window seat' : null,
      cancelledAt: null,
      createdAt: at(-i),
      updatedAt: at(-i),
    };
  }) as Booking[];
  const bookingsByCustomer = new Map<number, Booking[]>();
  for (const booking of bookings) {
    const list = bookingsByCustomer.get(booking.customerId!) ?? [];
    list.push(booking);
    bookingsByCustomer.set(booking.customerId!, list);
  }
  return { products, customers, bookings, bookingsByCustomer };
}

/** The service methods the resolvers of the three operations call, over arrays; nothing is stored. */
function inMemoryServices(data: Data): Services {
  const byId = <T extends { id: number }>(rows: T[]) => {
    const index = new Map(rows.map((row) => [row.id, row] as const));
    return async (_accountId: number, ids: readonly number[]) => ids.flatMap((id) => index.get(id) ?? []);
  };
  const findBookings = byId(data.bookings);
  return {
    products: { findByIds: byId(data.products) },
    customers: {
      findByIds: byId(data.customers),
      list: async (_accountId: number, page: PageRequest) => ({ nodes: data.customers.slice(0, page.first), hasNextPage: true }),
    },
    bookings: {
      findByIds: findBookings,
      list: async (_accountId: number, page: PageRequest) => ({ nodes: data.bookings.slice(0, page.first), hasNextPage: true }),
      pageByCustomers: async (_accountId: number, customerIds: readonly number[], page: PageRequest): Promise<Map<number, Page<Booking>>> => {
        const rows = customerIds.flatMap((id) => (data.bookingsByCustomer.get(id) ?? []).slice(0, page.first + 1));
        return pagesByParent(rows, customerIds, (row) => row.customerId, page);
      },
      create: async (accountId: number, input: CreateBookingInput) => {
        const product = data.products.find((p) => p.id === input.productId)!;
        const quantity = input.quantity ?? 1;
        const now = new Date();
        // The same answer every time, so every variant's result can be compared.
        return {
          id: 1_000_001,
          accountId,
          reference: 'BKNEW1',
          productId: input.productId,
          customerId: input.customerId,
          startsAt: new Date(input.startsAt),
          endsAt: new Date(input.endsAt),
          quantity,
          status: 'CONFIRMED',
          totalCents: product.priceCents * quantity,
          notes: input.notes ?? null,
          cancelledAt: null,
          createdAt: now,
          updatedAt: now,
        } as Booking;
      },
    },
  } as unknown as Services;
}
