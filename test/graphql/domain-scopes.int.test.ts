import { Customer, ScopePolicy } from '../../src/db/entities';
import type { PolicyMode } from '../../src/scopes/types';
import { startTestServer, type GraphQLBody, type TestServer } from '../support/server';
import { createCatalog, futureDay, gid, HOUR, type Catalog } from './domain-fixtures';

/** Issue 4 item 5: field-level scopes on cross-resource fields, fine-grained actions on mutations. */
let server: TestServer;
let catalog: Catalog;

beforeAll(async () => {
  server = await startTestServer();
  catalog = await createCatalog(server, 'acme', { products: 2, customers: 3, bookings: 5 });
});
afterAll(() => server.close());

const keyWith = async (scopes: string[], policies: { mode: PolicyMode; scopes: string[] }[] = []) => {
  const policyIds: number[] = [];
  for (const [i, policy] of policies.entries()) {
    // Policy mutations come later; a row in scope_policy is all a key needs.
    const row = await server.db.dataSource
      .getRepository(ScopePolicy)
      .save({ accountId: catalog.accountId, name: `test policy ${Date.now()}-${i}-${Math.random()}`, builtIn: false, ...policy });
    policyIds.push(row.id);
  }
  return (await server.mintKey({ scopes, policyIds })).secret;
};
const customerCount = () => server.db.dataSource.getRepository(Customer).count({ where: { accountId: catalog.accountId } });
const scopeErrors = (body: GraphQLBody) => (body.errors ?? []).filter((e) => e.extensions?.code === 'SCOPE_REQUIRED');

const UPDATE_CUSTOMER = 'mutation ($id: ID!, $name: String) { updateCustomer(input: { id: $id, name: $name }) { customer { id name } } }';
const DELETE_CUSTOMER = 'mutation ($id: ID!) { deleteCustomer(input: { id: $id }) { deletedId } }';

describe('field-level scopes', () => {
  it('bookings:read alone: every booking, customer null and one SCOPE_REQUIRED per row at its path', async () => {
    const key = await keyWith(['bookings:read']);
    const res = await server.graphql('{ bookings(first: 100) { edges { node { reference customer { name } } } } }', { key });
    expect(res.status).toBe(200);
    const edges = res.body.data!.bookings.edges;
    expect(edges).toHaveLength(catalog.bookings.length);
    expect(edges.every((e: any) => e.node.customer === null && typeof e.node.reference === 'string')).toBe(true);
    expect(res.body.errors).toHaveLength(edges.length);
    expect(res.body.errors!.map((e) => e.path)).toEqual(edges.map((_: unknown, i: number) => ['bookings', 'edges', i, 'node', 'customer']));
    for (const error of res.body.errors!) expect(error.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:read'] });
  });

  it('customers:read alone: the customers, and SCOPE_REQUIRED at each bookings path', async () => {
    const key = await keyWith(['customers:read']);
    const res = await server.graphql('{ customers(first: 100) { edges { node { name bookings { edges { node { id } } } } } } }', { key });
    expect(res.status).toBe(200);
    const edges = res.body.data!.customers.edges;
    expect(edges.map((e: any) => e.node.name).sort()).toEqual(catalog.customers.map((c) => c.name).sort());
    expect(edges.every((e: any) => e.node.bookings === null)).toBe(true);
    expect(res.body.errors!.map((e) => e.path)).toEqual(edges.map((_: unknown, i: number) => ['customers', 'edges', i, 'node', 'bookings']));
    expect(scopeErrors(res.body)).toHaveLength(edges.length);
  });

  it('Booking.product needs products:read, reports need reports:read', async () => {
    const key = await keyWith(['bookings:read']);
    const res = await server.graphql('{ bookings(first: 1) { edges { node { product { name } } } } }', { key });
    expect(res.body.data!.bookings.edges[0].node.product).toBeNull();
    expect(scopeErrors(res.body)[0]!.extensions!.missingScopes).toEqual(['products:read']);

    const window = { from: new Date(futureDay()).toISOString(), to: new Date(futureDay() + 24 * HOUR).toISOString() };
    const reports = await server.graphql('query ($from: DateTime!, $to: DateTime!) { reports { bookingSummary(from: $from, to: $to) { revenueCents } } }', { key, variables: window });
    expect(reports.status).toBe(403);
    expect(scopeErrors(reports.body)[0]!.extensions!.missingScopes).toEqual(['reports:read']);
    const reader = await keyWith(['reports:read']);
    const allowed = await server.graphql('query ($from: DateTime!, $to: DateTime!) { reports { bookingSummary(from: $from, to: $to) { confirmedBookings } } }', { key: reader, variables: window });
    expect(allowed.body).toEqual({ data: { reports: { bookingSummary: { confirmedBookings: catalog.bookings.length } } } });
  });

  it('a publishable booking_widget key reads products and availability, nothing else', async () => {
    const { secret: key } = await server.mintKey({ type: 'PUBLISHABLE', bundles: ['booking_widget'] });
    const from = new Date(futureDay()).toISOString();
    const to = new Date(futureDay() + 24 * HOUR).toISOString();
    const res = await server.graphql('query ($p: ID!, $from: DateTime!, $to: DateTime!) { availability(productId: $p, from: $from, to: $to) { available } }', { key, variables: { p: gid.product(catalog.products[0]!), from, to } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.availability.length).toBeGreaterThan(0);
    const customers = await server.graphql('{ customers { edges { node { id } } } }', { key });
    expect(customers.status).toBe(403);
  });
});

describe('mutations need the fine-grained action', () => {
  it('createCustomer needs customers:create: without it nothing is written', async () => {
    const create = 'mutation { createCustomer(input: { name: "New Person", email: "new.person@example.com" }) { customer { id } } }';
    const before = await customerCount();
    const refused = await server.graphql(create, { key: await keyWith(['customers:read', 'customers:update']) });
    expect(refused.status).toBe(403);
    expect(scopeErrors(refused.body)[0]!.extensions!.missingScopes).toEqual(['customers:create']);
    expect(await customerCount()).toBe(before);

    const allowed = await server.graphql(create, { key: await keyWith(['customers:read', 'customers:create']) });
    expect(allowed.body.errors).toBeUndefined();
    expect(await customerCount()).toBe(before + 1);
  });

  it('updateBooking and cancelBooking need bookings:update; bookings:write implies it', async () => {
    const id = gid.booking(catalog.bookings[4]!);
    const cancel = 'mutation ($id: ID!) { cancelBooking(input: { id: $id }) { booking { status } } }';
    const update = 'mutation ($id: ID!) { updateBooking(input: { id: $id, notes: "late arrival" }) { booking { notes } } }';
    const creator = await keyWith(['bookings:read', 'bookings:create']);
    for (const op of [update, cancel]) {
      const res = await server.graphql(op, { key: creator, variables: { id } });
      expect(scopeErrors(res.body)[0]!.extensions!.missingScopes).toEqual(['bookings:update']);
    }
    expect((await server.app.services.bookings.get(catalog.accountId, catalog.bookings[4]!.id)).status).toBe('CONFIRMED');

    const writer = await keyWith(['bookings:write']);
    expect((await server.graphql(update, { key: writer, variables: { id } })).body.data!.updateBooking.booking.notes).toBe('late arrival');
    expect((await server.graphql(cancel, { key: writer, variables: { id } })).body.data!.cancelBooking.booking.status).toBe('CANCELLED');
  });

  it('customers:write implies create, update and delete', async () => {
    const key = await keyWith(['customers:write']);
    const created = await server.graphql('mutation { createCustomer(input: { name: "Writer Made", email: "writer.made@example.com" }) { customer { id } } }', { key });
    const id = created.body.data!.createCustomer.customer.id;
    expect((await server.graphql(UPDATE_CUSTOMER, { key, variables: { id, name: 'Writer Renamed' } })).body.errors).toBeUndefined();
    expect((await server.graphql(DELETE_CUSTOMER, { key, variables: { id } })).body.data).toEqual({ deleteCustomer: { deletedId: id } });
  });
});

describe('policies: update allowed, delete not', () => {
  const refusesDelete = async (key: string) => {
    const customer = catalog.customers[1]!;
    const id = gid.customer(customer);
    const renamed = await server.graphql(UPDATE_CUSTOMER, { key, variables: { id, name: `${customer.name} (renamed)` } });
    expect(renamed.body.errors).toBeUndefined();
    expect(renamed.body.data!.updateCustomer.customer.name).toBe(`${customer.name} (renamed)`);

    const before = await customerCount();
    const res = await server.graphql(DELETE_CUSTOMER, { key, variables: { id } });
    expect(res.status).toBe(403);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:delete'] });
    expect(await customerCount()).toBe(before);
    expect(await server.db.dataSource.getRepository(Customer).existsBy({ id: customer.id })).toBe(true);
  };

  it('an ALLOW policy granting customers:update beside own scopes without delete', async () => {
    await refusesDelete(await keyWith(['customers:read'], [{ mode: 'ALLOW', scopes: ['customers:update'] }]));
  });

  it('customers:write with a DENY policy on customers:delete: the deny wins', async () => {
    await refusesDelete(await keyWith(['customers:write'], [{ mode: 'DENY', scopes: ['customers:delete'] }]));
  });
});
