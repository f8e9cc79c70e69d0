/**
 * Issue 9 part 1: `requiredScopes` reports, from the schema alone, what an
 * operation needs. The corpus check: a key holding exactly the reported
 * minimal set runs each operation with no SCOPE_REQUIRED, and a key missing
 * any one scope of it gets at least one.
 */
import { ScopePolicy, WebhookDelivery } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type GraphQLBody, type TestServer } from '../support/server';
import { createCatalog, DAY, futureDay, gid, HOUR, type Catalog } from './domain-fixtures';

let server: TestServer;
let catalog: Catalog;
let asker: { id: number; secret: string };
let ids: Record<'product' | 'customer' | 'booking' | 'apiKey' | 'policy' | 'audit' | 'endpoint' | 'delivery' | 'account', string>;
let serial = 0;

beforeAll(async () => {
  // No worker: deliveries stay as written. Loopback URLs need WEBHOOKS_ALLOW_INSECURE.
  server = await startTestServer({ WEBHOOKS_ALLOW_INSECURE: true, WEBHOOK_WORKER: false });
  const { id: accountId } = await server.account('acme');
  const operator = { kind: 'operator' as const, accountId };
  // The endpoint first, so the catalog's changes give it deliveries.
  const { endpoint } = await server.app.services.webhookEndpoints.create(operator, { url: 'http://127.0.0.1:9/acme', events: ['*'] });
  catalog = await createCatalog(server, 'acme', { products: 2, customers: 2, bookings: 3 });
  asker = await server.mintKey({ name: 'asker', scopes: ['products:read'] });
  const policy = await server.db.dataSource.getRepository(ScopePolicy).save({ accountId, name: 'readers', mode: 'ALLOW' as const, scopes: ['products:read'], builtIn: false });
  const [audit] = await server.app.services.audit.list(accountId, { limit: 1 });
  const delivery = await server.db.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ endpointId: endpoint.id });
  ids = {
    product: gid.product(catalog.products[0]!),
    customer: gid.customer(catalog.customers[0]!),
    booking: gid.booking(catalog.bookings[0]!),
    apiKey: toGlobalId('ApiKey', asker.id),
    policy: toGlobalId('ScopePolicy', policy.id),
    audit: toGlobalId('AuditEntry', audit!.id),
    endpoint: toGlobalId('WebhookEndpoint', endpoint.id),
    delivery: toGlobalId('WebhookDelivery', delivery.id),
    account: toGlobalId('Account', accountId),
  };
});
afterAll(() => server.close());

const REPORT = `query Report($query: String!, $variables: JSON, $operationName: String) {
  requiredScopes(query: $query, variables: $variables, operationName: $operationName) {
    minimalScopes missingScopes fields { path requiredScopes }
  }
}`;

async function requiredScopes(key: string, query: string, variables?: Record<string, unknown>, operationName?: string) {
  return server.graphql(REPORT, { key, variables: { query, variables, operationName } });
}

/** A fresh slot each call, so repeated bookings never meet a capacity rule. */
function slot(): { startsAt: string; endsAt: string } {
  const startsAt = futureDay(10) + ++serial * HOUR;
  return { startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + HOUR).toISOString() };
}

interface Operation {
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
  minimal: string[];
}

const CORPUS: Operation[] = [
  {
    name: 'a query with a named fragment, aliases and a report',
    query: `query Export($from: DateTime!, $to: DateTime!) {
      recent: bookings(first: 5) { edges { node { ...Line } } }
      reports { summary: bookingSummary(from: $from, to: $to) { confirmedBookings revenueCents } }
    }
    fragment Line on Booking { reference total: totalCents customer { name } product { name priceCents } }`,
    variables: () => ({ from: new Date(futureDay() - DAY).toISOString(), to: new Date(futureDay() + 60 * DAY).toISOString() }),
    minimal: ['products:read', 'customers:read', 'bookings:read', 'reports:read'],
  },
  {
    name: 'inline fragments on the Node interface, one alias per type',
    query: `query Everything($p: ID!, $c: ID!, $b: ID!, $k: ID!, $pol: ID!, $a: ID!, $e: ID!, $d: ID!, $acc: ID!) {
      p: node(id: $p) { id ... on Product { name } }
      c: node(id: $c) { ... on Customer { email } }
      b: node(id: $b) { ... on Booking { reference } }
      k: node(id: $k) { ... on ApiKey { name } }
      pol: node(id: $pol) { ... on ScopePolicy { mode } }
      a: node(id: $a) { ... on AuditEntry { action } }
      e: node(id: $e) { ... on WebhookEndpoint { url } }
      d: node(id: $d) { ...Delivery }
      acc: node(id: $acc) { ... on Account { name } }
    }
    fragment Delivery on WebhookDelivery { eventType }`,
    variables: () => ({ p: ids.product, c: ids.customer, b: ids.booking, k: ids.apiKey, pol: ids.policy, a: ids.audit, e: ids.endpoint, d: ids.delivery, acc: ids.account }),
    // Any node could be any type, and the Node type refuses each one a key may not read.
    minimal: ['products:read', 'customers:read', 'bookings:read', 'webhooks:read', 'webhooks.deliveries:read', 'keys:read', 'audit:read'],
  },
  {
    name: '@skip with a variable leaves the skipped field out',
    query: `query Lean($lean: Boolean!) {
      bookings(first: 3) { edges { node { reference customer @skip(if: $lean) { email } } } }
    }`,
    variables: () => ({ lean: true }),
    minimal: ['bookings:read'],
  },
  {
    name: '@include with a variable brings the included field in',
    query: `query Full($full: Boolean = false) {
      bookings(first: 3) { edges { node { reference ... @include(if: $full) { customer { email } } } } }
    }`,
    variables: () => ({ full: true }),
    minimal: ['customers:read', 'bookings:read'],
  },
  {
    name: 'nested connections across resources',
    query: `{ customers(first: 2, search: "acme customer") { edges { node { name bookings(first: 2) { edges { node { reference product { name } } } } } } } }`,
    variables: () => ({}),
    minimal: ['products:read', 'customers:read', 'bookings:read'],
  },
  {
    name: 'the calling key itself, through viewer',
    query: `{ viewer { effectiveScopes account { name } apiKey { name scopes } } }`,
    variables: () => ({}),
    minimal: ['keys:read'],
  },
  {
    name: 'public fields only',
    query: `{ viewer { effectiveScopes account { id name } } scopes { name } scopeBundles { name } }`,
    variables: () => ({}),
    minimal: [],
  },
  {
    name: 'webhook deliveries with their endpoint and attempts',
    query: `{ webhookDeliveries(first: 5) { edges { node { eventType status endpoint { url } attemptLog(first: 2) { statusCode } } } } }`,
    variables: () => ({}),
    minimal: ['webhooks:read', 'webhooks.deliveries:read'],
  },
  {
    name: 'createBooking with a payload reaching the customer and product',
    query: `mutation Book($input: CreateBookingInput!) {
      createBooking(input: $input) { booking { id reference customer { email } product { name } } }
    }`,
    variables: () => ({ input: { productId: ids.product, customerId: ids.customer, ...slot() } }),
    // bookings:create and bookings:read, not bookings:write, which would also grant update and delete.
    minimal: ['products:read', 'customers:read', 'bookings:read', 'bookings:create'],
  },
  {
    name: 'createCustomer with a fragment on its payload',
    query: `mutation Sign($input: CreateCustomerInput!) { createCustomer(input: $input) { ...Made } }
    fragment Made on CreateCustomerPayload { customer { id name bookings(first: 1) { edges { cursor } } } }`,
    variables: () => ({ input: { name: `signup ${++serial}`, email: `signup${serial}@acme.example.com` } }),
    minimal: ['customers:read', 'customers:create', 'bookings:read'],
  },
  {
    name: 'updateBooking with the customer left out by @include',
    query: `mutation Move($id: ID!, $withCustomer: Boolean!) {
      updateBooking(input: { id: $id, notes: "moved" }) { booking { reference customer @include(if: $withCustomer) { name } } }
    }`,
    variables: () => ({ id: ids.booking, withCustomer: false }),
    minimal: ['bookings:read', 'bookings:update'],
  },
  {
    name: 'createApiKey reading back the new key',
    query: `mutation Mint($name: String!) { createApiKey(input: { name: $name }) { secret apiKey { name prefix } } }`,
    variables: () => ({ name: `minted ${++serial}` }),
    minimal: ['keys:write'],
  },
];

const scopeErrors = (body: GraphQLBody) => (body.errors ?? []).filter((error) => error.extensions?.code === 'SCOPE_REQUIRED');

describe.each(CORPUS)('$name', (operation) => {
  it('runs on exactly its minimal scopes, and fails without any one of them', async () => {
    const variables = operation.variables();
    const report = await requiredScopes(asker.secret, operation.query, variables);
    expect(report.body.errors).toBeUndefined();
    const minimal: string[] = report.body.data!.requiredScopes.minimalScopes;
    expect(minimal).toEqual(operation.minimal);

    const exact = await server.mintKey({ scopes: minimal });
    const run = await server.graphql(operation.query, { key: exact.secret, variables: operation.variables() });
    expect(run.body.errors).toBeUndefined();

    for (const scope of minimal) {
      const lacking = await server.mintKey({ scopes: minimal.filter((s) => s !== scope) });
      const refused = await server.graphql(operation.query, { key: lacking.secret, variables: operation.variables() });
      expect({ without: scope, denied: scopeErrors(refused.body).length > 0 }).toEqual({ without: scope, denied: true });
    }
  });
});

describe('requiredScopes', () => {
  it('lists every path with its requirement, and what the calling key lacks', async () => {
    const query = `mutation { made: createBooking(input: { productId: "x", customerId: "y", startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-01T01:00:00Z" }) {
      booking { id customer { email } } } }`;
    const res = await requiredScopes(asker.secret, query);
    expect(res.body.data?.requiredScopes).toEqual({
      minimalScopes: ['customers:read', 'bookings:read', 'bookings:create'],
      missingScopes: ['customers:read', 'bookings:read', 'bookings:create'],
      fields: [
        { path: 'made', requiredScopes: [['bookings:create']] },
        { path: 'made.booking.id', requiredScopes: [['bookings:read']] },
        { path: 'made.booking.customer', requiredScopes: [['bookings:read', 'customers:read']] },
        { path: 'made.booking.customer.email', requiredScopes: [['customers:read']] },
      ],
    });
    // Nothing ran: the mutation's made-up ids would have failed.
    const writer = await server.mintKey({ scopes: ['bookings:write'] });
    const own = await requiredScopes(writer.secret, query);
    expect(own.body.data?.requiredScopes.missingScopes).toEqual(['customers:read']);
  });

  it('counts a denied scope as missing: a deny wins over the grant', async () => {
    const { id: accountId } = await server.account('acme');
    const deny = await server.db.dataSource
      .getRepository(ScopePolicy)
      .save({ accountId, name: 'no customers', mode: 'DENY' as const, scopes: ['customers:read'], builtIn: false });
    const denied = await server.mintKey({ scopes: ['bookings:write', 'customers:read'], policyIds: [deny.id] });
    const res = await requiredScopes(denied.secret, '{ bookings { edges { node { customer { email } } } } }');
    expect(res.body.data?.requiredScopes).toMatchObject({ minimalScopes: ['customers:read', 'bookings:read'], missingScopes: ['customers:read'] });
  });

  it('combines, on an abstract field, what every type it may return needs', async () => {
    const res = await requiredScopes(asker.secret, 'query ($id: ID!) { node(id: $id) { id } }');
    const node = res.body.data?.requiredScopes.fields.find((f: { path: string }) => f.path === 'node');
    expect(node.requiredScopes).toEqual([
      expect.arrayContaining(['products:read', 'customers:read', 'bookings:read', 'keys:read', 'audit:read', 'webhooks:read', 'webhooks.deliveries:read']),
    ]);
  });

  it('picks the named operation; a missing @include variable counts as included', async () => {
    const document = `query A { products { edges { cursor } } } query B($c: Boolean!) { customers @include(if: $c) { edges { cursor } } }`;
    expect((await requiredScopes(asker.secret, document, undefined, 'A')).body.data?.requiredScopes).toMatchObject({ minimalScopes: ['products:read'], missingScopes: [] });
    expect((await requiredScopes(asker.secret, document, undefined, 'B')).body.data?.requiredScopes.minimalScopes).toEqual(['customers:read']);
    expect((await requiredScopes(asker.secret, document, { c: false }, 'B')).body.data?.requiredScopes.minimalScopes).toEqual([]);
  });

  it('reports paths that the key’s scoped introspection hides: sending the operation would tell it as much', async () => {
    const res = await requiredScopes(asker.secret, '{ apiKeys { edges { node { name } } } }');
    expect(res.body.data?.requiredScopes).toEqual({
      minimalScopes: ['keys:read'],
      missingScopes: ['keys:read'],
      fields: [
        { path: 'apiKeys', requiredScopes: [['keys:read']] },
        { path: 'apiKeys.edges.node.name', requiredScopes: [['keys:read']] },
      ],
    });
  });

  it.each<[string, string, Record<string, unknown> | undefined, string | undefined, string]>([
    ['a syntax error', '{ products {', undefined, undefined, 'query'],
    ['an unknown field, without suggestions', '{ product { edges { cursor } } }', undefined, undefined, 'query'],
    ['an unknown operation name', 'query A { scopes { name } }', undefined, 'B', 'operationName'],
    ['several operations and no name', 'query A { scopes { name } } query B { scopes { name } }', undefined, undefined, 'operationName'],
    ['variables that are not an object', '{ scopes { name } }', [1] as never, undefined, 'variables'],
  ])('refuses %s with BAD_USER_INPUT on its argument', async (_case, query, variables, operationName, field) => {
    const res = await requiredScopes(asker.secret, query, variables, operationName);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.body.errors![0]!.message).not.toMatch(/Did you mean/);
  });

  it('needs a key, like every request', async () => {
    const res = await server.graphql(REPORT, { variables: { query: '{ scopes { name } }' } });
    expect(res.status).toBe(401);
  });
});
