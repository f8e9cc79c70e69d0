import { toGlobalId } from '../../src/global-id';
import { startTestServer, type GraphQLBody, type TestServer } from '../support/server';
import { createCatalog, DAY, futureDay, gid, HOUR, type Catalog } from './domain-fixtures';

/** The GraphQL half of products, customers, bookings and reports: ids, connections, node, payloads. */
let server: TestServer;
let admin: string;
let catalog: Catalog;

beforeAll(async () => {
  server = await startTestServer();
  ({ secret: admin } = await server.mintKey({ name: 'root', scopes: ['admin'] }));
  catalog = await createCatalog(server, 'acme', { products: 2, customers: 3, bookings: 6 });
});
afterAll(() => server.close());

const run = async (query: string, variables: Record<string, unknown> = {}) => (await server.graphql(query, { key: admin, variables })).body;
const ok = (body: GraphQLBody) => {
  expect(body.errors).toBeUndefined();
  return body.data!;
};
const onlyError = (body: GraphQLBody) => {
  expect(body.errors).toHaveLength(1);
  return body.errors![0]!;
};

describe('mutations return payloads with global ids', () => {
  it('creates a product, a customer and a booking, and the booking points at both', async () => {
    const product = ok(await run('mutation { createProduct(input: { name: "Sunset paddle", priceCents: 4500, capacity: 6 }) { product { id name priceCents capacity description } } }')).createProduct.product;
    expect(product).toMatchObject({ name: 'Sunset paddle', priceCents: 4500, capacity: 6, description: null });
    const customer = ok(await run('mutation { createCustomer(input: { name: "Nora Vale", email: "Nora@Example.com" }) { customer { id name email } } }')).createCustomer.customer;
    const startsAt = new Date(futureDay(3) + 9 * HOUR).toISOString();
    const endsAt = new Date(futureDay(3) + 11 * HOUR).toISOString();
    const created = ok(
      await run(
        `mutation ($input: CreateBookingInput!) { createBooking(input: $input) {
          booking { id reference status quantity totalCents startsAt endsAt product { id } customer { id } } } }`,
        { input: { productId: product.id, customerId: customer.id, startsAt, endsAt, quantity: 2 } },
      ),
    ).createBooking.booking;
    expect(created).toMatchObject({ status: 'CONFIRMED', quantity: 2, totalCents: 9000, startsAt, endsAt, product: { id: product.id }, customer: { id: customer.id } });
    expect(created.reference).toEqual(expect.any(String));

    const updated = ok(await run('mutation ($id: ID!) { updateBooking(input: { id: $id, quantity: 3, notes: "window seats" }) { booking { id quantity notes totalCents } } }', { id: created.id }));
    expect(updated.updateBooking.booking).toEqual({ id: created.id, quantity: 3, notes: 'window seats', totalCents: 13500 });
    const cancelled = ok(await run('mutation ($id: ID!) { cancelBooking(input: { id: $id }) { booking { id status cancelledAt } } }', { id: created.id }));
    expect(cancelled.cancelBooking.booking).toMatchObject({ id: created.id, status: 'CANCELLED', cancelledAt: expect.any(String) });
  });

  it('updates a product and a customer by global id', async () => {
    const id = gid.product(catalog.products[0]!);
    expect(ok(await run('mutation ($id: ID!) { updateProduct(input: { id: $id, priceCents: 1234 }) { product { id priceCents } } }', { id })).updateProduct.product).toEqual({ id, priceCents: 1234 });
    const cid = gid.customer(catalog.customers[0]!);
    expect(ok(await run('mutation ($id: ID!) { updateCustomer(input: { id: $id, phone: "+1 555 0100" }) { customer { id phone } } }', { id: cid })).updateCustomer.customer).toEqual({ id: cid, phone: '+1 555 0100' });
  });

  it('deleteCustomer answers the deleted global id; the customer is gone and their bookings stay with customer null', async () => {
    const { customer } = ok(await run('mutation { createCustomer(input: { name: "Short Lived", email: "short@example.com" }) { customer { id } } }')).createCustomer;
    const booking = ok(
      await run('mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }', {
        input: { productId: gid.product(catalog.products[1]!), customerId: customer.id, startsAt: new Date(futureDay(5)).toISOString(), endsAt: new Date(futureDay(5) + HOUR).toISOString() },
      }),
    ).createBooking.booking;
    expect(ok(await run('mutation ($id: ID!) { deleteCustomer(input: { id: $id }) { deletedId } }', { id: customer.id })).deleteCustomer).toEqual({ deletedId: customer.id });
    const after = ok(await run('query ($c: ID!, $b: ID!) { c: node(id: $c) { id } b: node(id: $b) { ... on Booking { id customer { id } } } }', { c: customer.id, b: booking.id }));
    expect(after).toEqual({ c: null, b: { id: booking.id, customer: null } });
  });

  it('passes a domain error through with its code', async () => {
    const error = onlyError(await run('mutation ($id: ID!) { updateBooking(input: { id: $id, quantity: 0 }) { booking { id } } }', { id: gid.booking(catalog.bookings[0]!) }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quantity' });
  });
});

describe('ids', () => {
  it('node(id:) finds a product, a customer and a booking of the account', async () => {
    const [p, c, b] = [gid.product(catalog.products[0]!), gid.customer(catalog.customers[1]!), gid.booking(catalog.bookings[2]!)];
    const data = ok(await run(`query ($p: ID!, $c: ID!, $b: ID!) {
      p: node(id: $p) { __typename id ... on Product { name } }
      c: node(id: $c) { __typename id ... on Customer { email } }
      b: node(id: $b) { __typename id ... on Booking { reference product { id } } } }`, { p, c, b }));
    expect(data.p).toEqual({ __typename: 'Product', id: p, name: catalog.products[0]!.name });
    expect(data.c).toEqual({ __typename: 'Customer', id: c, email: catalog.customers[1]!.email });
    expect(data.b).toEqual({ __typename: 'Booking', id: b, reference: catalog.bookings[2]!.reference, product: { id: gid.product(catalog.products[0]!) } });
  });

  it('a garbage id is BAD_USER_INPUT, an id of another type NOT_FOUND, both naming the field', async () => {
    const cancel = 'mutation ($id: ID!) { cancelBooking(input: { id: $id }) { booking { id } } }';
    expect(onlyError(await run(cancel, { id: 'not-an-id' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(onlyError(await run(cancel, { id: gid.product(catalog.products[0]!) })).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(onlyError(await run(cancel, { id: toGlobalId('Booking', 99_999_999) })).extensions!.code).toBe('NOT_FOUND');
  });
});

describe('connections', () => {
  const BOOKINGS = `query ($first: Int, $after: String, $filter: BookingFilter) {
    bookings(first: $first, after: $after, filter: $filter) { edges { cursor node { id status product { id } customer { id } } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;

  it('pages bookings with opaque cursors and no gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(await run(BOOKINGS, { first: 4, after })).bookings;
      seen.push(...page.edges.map((e: any) => e.node.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const all = ok(await run(BOOKINGS, { first: 100 })).bookings.edges.map((e: any) => e.node.id);
    expect(seen).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
  });

  it('caps first at 100 with BAD_USER_INPUT naming it', async () => {
    expect(onlyError(await run(BOOKINGS, { first: 101 })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(onlyError(await run('{ customers(first: 0) { edges { cursor } } }')).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('filters bookings by product and customer global ids, status and dates', async () => {
    const product = catalog.products[1]!;
    // Bounded to the catalog's day: other tests add bookings to this product on later days.
    const catalogDay = { from: new Date(futureDay()).toISOString(), to: new Date(futureDay() + DAY).toISOString() };
    const byProduct = ok(await run(BOOKINGS, { filter: { productId: gid.product(product), ...catalogDay } })).bookings.edges;
    expect(byProduct.length).toBe(catalog.bookings.filter((b) => b.productId === product.id).length);
    expect(byProduct.every((e: any) => e.node.product.id === gid.product(product))).toBe(true);

    const customer = catalog.customers[2]!;
    const byCustomer = ok(await run(BOOKINGS, { filter: { customerId: gid.customer(customer) } })).bookings.edges;
    expect(byCustomer.map((e: any) => e.node.customer.id)).toEqual(catalog.bookings.filter((b) => b.customerId === customer.id).map(() => gid.customer(customer)));

    const window = { from: new Date(futureDay()).toISOString(), to: new Date(futureDay() + 2 * HOUR).toISOString() };
    expect(ok(await run(BOOKINGS, { filter: window })).bookings.edges).toHaveLength(2);
    expect(ok(await run(BOOKINGS, { filter: { status: 'CANCELLED', from: window.from, to: new Date(futureDay() + DAY).toISOString() } })).bookings.edges).toHaveLength(0);
  });

  it('answers a filter id of the wrong type or unknown with NOT_FOUND at the filter field', async () => {
    for (const productId of [gid.customer(catalog.customers[0]!), toGlobalId('Product', 99_999_999)]) {
      expect(onlyError(await run(BOOKINGS, { filter: { productId } })).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'filter.productId' });
    }
  });

  it('searches customers by name or email, case-insensitively', async () => {
    const names = async (search: string) => ok(await run('query ($s: String) { customers(search: $s) { edges { node { name } } } }', { s: search })).customers.edges.map((e: any) => e.node.name);
    expect(await names('ACME CUSTOMER 2')).toEqual(['acme customer 2']);
    expect(await names('C1@ACME.example')).toEqual(['acme customer 1']);
  });

  it('lists a customer’s bookings as a connection', async () => {
    const id = gid.customer(catalog.customers[0]!);
    const node = ok(await run('query ($id: ID!) { node(id: $id) { ... on Customer { bookings(first: 1) { edges { node { id customer { id } } } pageInfo { hasNextPage } } } } }', { id })).node;
    expect(node.bookings.edges).toHaveLength(1);
    expect(node.bookings.edges[0].node.customer.id).toBe(id);
    expect(node.bookings.pageInfo.hasNextPage).toBe(true);
  });
});

describe('availability and reports', () => {
  it('availability covers the window with slots of free capacity', async () => {
    const from = new Date(futureDay()).toISOString();
    const to = new Date(futureDay() + DAY).toISOString();
    const slots = ok(await run('query ($p: ID!, $from: DateTime!, $to: DateTime!) { availability(productId: $p, from: $from, to: $to) { startsAt endsAt available } }', { p: gid.product(catalog.products[0]!), from, to })).availability;
    expect(slots[0].startsAt).toBe(from);
    expect(slots.at(-1).endsAt).toBe(to);
    expect(slots.some((s: any) => s.available < 10)).toBe(true);
  });

  it('bookingSummary counts and sums per product and status, with product global ids', async () => {
    const from = new Date(futureDay()).toISOString();
    const to = new Date(futureDay() + 6 * HOUR).toISOString();
    const summary = ok(await run('query ($from: DateTime!, $to: DateTime!) { reports { bookingSummary(from: $from, to: $to) { from to confirmedBookings revenueCents rows { productId productName status bookings quantity totalCents } } } }', { from, to })).reports.bookingSummary;
    expect(summary).toMatchObject({ from, to, confirmedBookings: 6 });
    expect(summary.rows.map((r: any) => r.productId).sort()).toEqual(catalog.products.map(gid.product).sort());
    expect(summary.revenueCents).toBe(summary.rows.reduce((sum: number, r: any) => sum + r.totalCents, 0));
  });
});
