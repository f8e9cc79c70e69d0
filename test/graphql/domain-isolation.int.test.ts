import { makeExecutableSchema } from '@graphql-tools/schema';
import { ApiKey, ScopePolicy, WebhookDelivery, WebhookEndpoint } from '../../src/db/entities';
import { loadTypeDefs } from '../../src/graphql/schema';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type GraphQLBody, type TestServer } from '../support/server';
import { accountRows, createCatalog, DAY, futureDay, HOUR, type Catalog } from './domain-fixtures';

/**
 * Issue 4 item 7: a key of account B (globex) aims every root field at account
 * A's (acme) rows. Each answer must be exactly the answer for an id that never
 * existed, and nothing of A may change. The list of root fields comes from the
 * SDL, so a new root field without a case here fails the test.
 */
let server: TestServer;
let acme: Catalog;
let globex: Catalog;
let attacker: string;
let acmeKeyId: number;
let acmePolicyId: number;

const GHOST = 99_999_999;
type Ids = { product: string; customer: string; booking: string; apiKey: string; policy: string; account: string; webhookEndpoint: string; webhookDelivery: string };
let victim: Ids;
const ghost: Ids = {
  product: toGlobalId('Product', GHOST),
  customer: toGlobalId('Customer', GHOST),
  booking: toGlobalId('Booking', GHOST),
  apiKey: toGlobalId('ApiKey', GHOST),
  policy: toGlobalId('ScopePolicy', GHOST),
  account: toGlobalId('Account', GHOST),
  webhookEndpoint: toGlobalId('WebhookEndpoint', GHOST),
  webhookDelivery: toGlobalId('WebhookDelivery', GHOST),
};

beforeAll(async () => {
  // No worker: A's webhook deliveries stay exactly as written. Loopback URLs, so no DNS.
  server = await startTestServer({ WEBHOOKS_ALLOW_INSECURE: true, WEBHOOK_WORKER: false });
  // A's endpoint first, so A's rows below give it deliveries; one of them failed, so a retry could act on it.
  const { id: acmeAccountId } = await server.account('acme');
  const acmeHook = (await server.app.services.webhookEndpoints.create({ kind: 'operator', accountId: acmeAccountId }, { url: 'http://127.0.0.1:9/acme', events: ['*'] })).endpoint;
  acme = await createCatalog(server, 'acme', { products: 1, customers: 1, bookings: 2 });
  const acmeDelivery = await server.db.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ endpointId: acmeHook.id, accountId: acme.accountId });
  await server.db.dataSource.getRepository(WebhookDelivery).update({ id: acmeDelivery.id }, { status: 'FAILED', nextAttemptAt: null });
  globex = await createCatalog(server, 'globex', { products: 1, customers: 1, bookings: 1 });
  ({ id: acmeKeyId } = await server.mintKey({ account: 'acme', name: 'acme partner', scopes: ['products:read'] }));
  acmePolicyId = (await server.db.dataSource.getRepository(ScopePolicy).save({ accountId: acme.accountId, name: 'acme only', mode: 'ALLOW', scopes: ['products:read'], builtIn: false })).id;
  ({ secret: attacker } = await server.mintKey({ account: 'globex', name: 'globex admin', scopes: ['admin'] }));
  victim = {
    product: toGlobalId('Product', acme.products[0]!.id),
    customer: toGlobalId('Customer', acme.customers[0]!.id),
    booking: toGlobalId('Booking', acme.bookings[0]!.id),
    apiKey: toGlobalId('ApiKey', acmeKeyId),
    policy: toGlobalId('ScopePolicy', acmePolicyId),
    account: toGlobalId('Account', acme.accountId),
    webhookEndpoint: toGlobalId('WebhookEndpoint', acmeHook.id),
    webhookDelivery: toGlobalId('WebhookDelivery', acmeDelivery.id),
  };
});
afterAll(() => server.close());

/** An operation aimed at one foreign id; run with A's id and with a ghost id, the answers must match. */
interface Aimed {
  aimed: (ids: Ids) => { query: string; variables: Record<string, unknown> };
}
/** An operation with no id to aim: its answer must simply hold none of A's rows. */
interface Unaimed {
  unaimed: string;
}
type Case = Aimed | Unaimed;

const window = () => ({ from: new Date(futureDay() - DAY).toISOString(), to: new Date(futureDay() + 2 * DAY).toISOString() });
const own = () => ({ product: toGlobalId('Product', globex.products[0]!.id), customer: toGlobalId('Customer', globex.customers[0]!.id) });
const slot = () => ({ startsAt: new Date(futureDay(2) + 9 * HOUR).toISOString(), endsAt: new Date(futureDay(2) + 10 * HOUR).toISOString() });
const aim = (query: string, variables: (ids: Ids) => Record<string, unknown>): Aimed => ({ aimed: (ids) => ({ query, variables: variables(ids) }) });

const CASES: Record<string, Case[]> = {
  viewer: [{ unaimed: '{ viewer { account { id name } apiKey { id } effectiveScopes } }' }],
  scopes: [{ unaimed: '{ scopes { name } }' }],
  scopeBundles: [{ unaimed: '{ scopeBundles { name } }' }],
  requiredScopes: [{ unaimed: '{ requiredScopes(query: "{ bookings { edges { node { id customer { email } } } } }") { minimalScopes missingScopes fields { path requiredScopes } } }' }],
  node: (['product', 'customer', 'booking', 'apiKey', 'policy', 'account', 'webhookEndpoint', 'webhookDelivery'] as const).map((type) =>
    aim('query ($id: ID!) { node(id: $id) { __typename id } }', (ids) => ({ id: ids[type] })),
  ),
  products: [{ unaimed: '{ products(first: 100) { edges { node { id name } } } }' }],
  customers: [
    { unaimed: '{ customers(first: 100) { edges { node { id name email } } } }' },
    { unaimed: '{ customers(first: 100, search: "acme") { edges { node { id name } } } }' },
  ],
  bookings: [
    { unaimed: '{ bookings(first: 100) { edges { node { id reference product { id } customer { id } } } } }' },
    aim('query ($id: ID) { bookings(filter: { productId: $id }) { edges { node { id } } } }', (ids) => ({ id: ids.product })),
    aim('query ($id: ID) { bookings(filter: { customerId: $id }) { edges { node { id } } } }', (ids) => ({ id: ids.customer })),
  ],
  availability: [aim('query ($id: ID!, $from: DateTime!, $to: DateTime!) { availability(productId: $id, from: $from, to: $to) { available } }', (ids) => ({ id: ids.product, ...window() }))],
  reports: [{ unaimed: `{ reports { bookingSummary(from: "${window().from}", to: "${window().to}") { confirmedBookings revenueCents rows { productId productName } } } }` }],
  apiKeys: [{ unaimed: '{ apiKeys(first: 100) { edges { node { id name } } } }' }],
  scopePolicies: [{ unaimed: '{ scopePolicies { id name } }' }],

  createProduct: [{ unaimed: 'mutation { createProduct(input: { name: "globex raft", priceCents: 100, capacity: 2 }) { product { id } } }' }],
  updateProduct: [aim('mutation ($id: ID!) { updateProduct(input: { id: $id, name: "taken over" }) { product { id } } }', (ids) => ({ id: ids.product }))],
  createCustomer: [{ unaimed: 'mutation { createCustomer(input: { name: "globex person", email: "person@globex.example.com" }) { customer { id } } }' }],
  updateCustomer: [aim('mutation ($id: ID!) { updateCustomer(input: { id: $id, name: "taken over" }) { customer { id } } }', (ids) => ({ id: ids.customer }))],
  deleteCustomer: [aim('mutation ($id: ID!) { deleteCustomer(input: { id: $id }) { deletedId } }', (ids) => ({ id: ids.customer }))],
  createBooking: [
    aim('mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }', (ids) => ({ input: { productId: ids.product, customerId: own().customer, ...slot() } })),
    aim('mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }', (ids) => ({ input: { productId: own().product, customerId: ids.customer, ...slot() } })),
  ],
  updateBooking: [aim('mutation ($id: ID!) { updateBooking(input: { id: $id, quantity: 5 }) { booking { id } } }', (ids) => ({ id: ids.booking }))],
  cancelBooking: [aim('mutation ($id: ID!) { cancelBooking(input: { id: $id }) { booking { id } } }', (ids) => ({ id: ids.booking }))],
  createApiKey: [aim('mutation ($p: ID!) { createApiKey(input: { name: "x", policyIds: [$p] }) { secret } }', (ids) => ({ p: ids.policy }))],
  revokeApiKey: [aim('mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } } }', (ids) => ({ id: ids.apiKey }))],
  updateApiKey: [aim('mutation ($id: ID!) { updateApiKey(input: { id: $id, name: "taken over" }) { apiKey { id } } }', (ids) => ({ id: ids.apiKey }))],
  rollApiKey: [aim('mutation ($id: ID!) { rollApiKey(input: { id: $id }) { secret } }', (ids) => ({ id: ids.apiKey }))],
  deleteApiKey: [aim('mutation ($id: ID!) { deleteApiKey(input: { id: $id }) { deletedId } }', (ids) => ({ id: ids.apiKey }))],
  createScopePolicy: [{ unaimed: 'mutation { createScopePolicy(input: { name: "globex policy", mode: ALLOW, scopes: ["products:read"] }) { policy { id name } } }' }],
  updateScopePolicy: [aim('mutation ($id: ID!) { updateScopePolicy(input: { id: $id, scopes: ["admin"] }) { policy { id } } }', (ids) => ({ id: ids.policy }))],
  deleteScopePolicy: [aim('mutation ($id: ID!) { deleteScopePolicy(input: { id: $id, force: true }) { deletedId } }', (ids) => ({ id: ids.policy }))],
  auditEntries: [{ unaimed: '{ auditEntries(first: 100) { edges { node { id action targetId actorId changes } } } }' }],
  webhookEndpoints: [{ unaimed: '{ webhookEndpoints { id url events } }' }],
  webhookDeliveries: [
    { unaimed: '{ webhookDeliveries(first: 100) { edges { node { id eventType messageId endpointId endpoint { id url } } } } }' },
    aim('query ($id: ID) { webhookDeliveries(endpointId: $id) { edges { node { id } } } }', (ids) => ({ id: ids.webhookEndpoint })),
  ],
  createWebhookEndpoint: [{ unaimed: 'mutation { createWebhookEndpoint(input: { url: "http://127.0.0.1:9/globex", events: ["*"] }) { endpoint { id url events } } }' }],
  updateWebhookEndpoint: [
    aim('mutation ($id: ID!) { updateWebhookEndpoint(input: { id: $id, url: "http://127.0.0.1:9/taken", rotateSecret: true }) { secret endpoint { id } } }', (ids) => ({ id: ids.webhookEndpoint })),
  ],
  deleteWebhookEndpoint: [aim('mutation ($id: ID!) { deleteWebhookEndpoint(input: { id: $id }) { deletedId } }', (ids) => ({ id: ids.webhookEndpoint }))],
  retryWebhookDelivery: [aim('mutation ($id: ID!) { retryWebhookDelivery(input: { id: $id }) { delivery { id status } } }', (ids) => ({ id: ids.webhookDelivery }))],
};

function rootFields(): string[] {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
  return [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) => Object.keys(type.getFields()));
}

it('has a case for every root Query and Mutation field of the schema', () => {
  expect(rootFields().filter((field) => !CASES[field]?.length)).toEqual([]);
});

/** The answer with every id of the run replaced, so A's ids and ghost ids compare equal. */
const normalized = (body: GraphQLBody, ids: Ids) => {
  let text = JSON.stringify(body);
  for (const id of Object.values(ids)) text = text.split(id).join('<id>');
  return JSON.parse(text);
};

describe.each(Object.keys(CASES))('%s', (field) => {
  it('never reaches account A', async () => {
    const before = await snapshot();
    for (const c of CASES[field]!) {
      if ('unaimed' in c) {
        const res = await server.graphql(c.unaimed, { key: attacker });
        expect(res.body.errors).toBeUndefined();
        const text = JSON.stringify(res.body);
        for (const id of Object.values(victim)) expect(text).not.toContain(id);
        expect(text).not.toMatch(/acme/);
      } else {
        const asVictim = c.aimed(victim);
        const asGhost = c.aimed(ghost);
        const seen = (await server.graphql(asVictim.query, { key: attacker, variables: asVictim.variables })).body;
        const never = (await server.graphql(asGhost.query, { key: attacker, variables: asGhost.variables })).body;
        expect(normalized(seen, victim)).toEqual(normalized(never, ghost));
        // Null without a word (node), or NOT_FOUND; never data of A.
        if (seen.errors) expect(seen.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
        else expect(Object.values(seen.data!)).toEqual([null]);
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

async function snapshot() {
  const ds = server.db.dataSource;
  return {
    rows: await accountRows(server, acme.accountId),
    keys: await ds.getRepository(ApiKey).find({ where: { accountId: acme.accountId }, order: { id: 'ASC' } }),
    policies: await ds.getRepository(ScopePolicy).find({ where: { accountId: acme.accountId } }),
    webhookEndpoints: await ds.getRepository(WebhookEndpoint).find({ where: { accountId: acme.accountId }, order: { id: 'ASC' } }),
    webhookDeliveries: await ds.getRepository(WebhookDelivery).find({ where: { accountId: acme.accountId }, order: { id: 'ASC' } }),
  };
}
