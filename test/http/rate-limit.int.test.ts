/**
 * Rate limits (issue 7 item 2): the per-key request budget, failed
 * authentications per client address, and the Shopify-style cost bucket with
 * `extensions.cost` on every response. Redis variants: rate-limit-redis.int.test.ts.
 */
import { parse } from 'graphql';
import { estimateQueryCost } from '../../src/graphql/limits/query-cost';
import { buildSchema } from '../../src/graphql/schema';
import { defaultCatalog } from '../../src/scopes/catalog';
import { ScopeEngine } from '../../src/scopes/engine';
import { startTestServer, type TestServer } from '../support/server';
import { flipLastChar, onlyError, type Response } from './helpers';

const VIEWER = '{ viewer { account { name } } }';
/** A connection: its cost grows with `first` (see src/graphql/limits/query-cost.ts). */
const PRODUCTS = 'query Products($n: Int) { products(first: $n) { edges { node { id name } } } }';

/** The cost the server will charge (the same estimate it uses). */
const schema = buildSchema(new ScopeEngine(defaultCatalog()));
const costOf = (query: string, variables: Record<string, unknown>) => estimateQueryCost(schema, parse(query), undefined, variables);

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function serverWith(
  overrides: Parameters<typeof startTestServer>[0],
  products = 0,
): Promise<{ server: TestServer; key: string }> {
  const server = await startTestServer(overrides);
  servers.push(server);
  const { secret } = await server.mintKey({ scopes: ['admin'] });
  // The key's account holds this many products, so a page of them really costs what it asks for.
  const { id: accountId } = await server.account();
  for (let i = 0; i < products; i++) await server.app.services.products.create(accountId, { name: `Product ${i}`, priceCents: 100, capacity: 1 });
  return { server, key: secret };
}

function expectRateLimited(res: Response): number {
  expect(res.status).toBe(429);
  expect(onlyError(res).extensions?.code).toBe('RATE_LIMITED');
  expect(res.body).not.toHaveProperty('data');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  return retryAfter;
}

const budget = (res: Response) => ({
  limit: res.headers.get('ratelimit-limit'),
  remaining: res.headers.get('ratelimit-remaining'),
  reset: Number(res.headers.get('ratelimit-reset')),
});

describe('per-key request budget', () => {
  it('sends RateLimit-* on every response and 429 with Retry-After once the budget is spent', async () => {
    const { server, key } = await serverWith({ RATE_LIMIT_REQUESTS: 3, RATE_LIMIT_WINDOW_SECONDS: 60 });
    for (const remaining of ['2', '1', '0']) {
      const res = await server.graphql(VIEWER, { key });
      expect(res.status).toBe(200);
      expect(budget(res)).toEqual({ limit: '3', remaining, reset: expect.any(Number) });
      expect(budget(res).reset).toBeGreaterThan(0);
      expect(budget(res).reset).toBeLessThanOrEqual(60);
    }
    const refused = await server.graphql(VIEWER, { key });
    expect(expectRateLimited(refused)).toBeLessThanOrEqual(60);
    expect(budget(refused)).toEqual({ limit: '3', remaining: '0', reset: expect.any(Number) });

    // Another key has its own budget.
    const other = (await server.mintKey({ scopes: ['admin'] })).secret;
    expect((await server.graphql(VIEWER, { key: other })).status).toBe(200);
  });
});

describe('failed authentications per client address', () => {
  it('answers 401 up to RATE_LIMIT_UNAUTHENTICATED bad keys, then 429 for every request from the address', async () => {
    const { server, key } = await serverWith({ RATE_LIMIT_UNAUTHENTICATED: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await server.graphql(VIEWER, { key: flipLastChar(key) });
      expect(res.status).toBe(401);
      expect(budget(res)).toMatchObject({ limit: '3', remaining: String(2 - i) });
    }
    expectRateLimited(await server.graphql(VIEWER, { key: flipLastChar(key) }));
    expectRateLimited(await server.graphql(VIEWER, { key: 'sk_live_nonsense' }));
    expectRateLimited(await server.graphql(VIEWER));
    // A valid key too: a 200 among the 429s would tell a guesser which key is real.
    expectRateLimited(await server.graphql(VIEWER, { key }));
  });

  it('does not count requests with a valid key', async () => {
    const { server, key } = await serverWith({ RATE_LIMIT_UNAUTHENTICATED: 2 });
    for (let i = 0; i < 5; i++) expect((await server.graphql(VIEWER, { key })).status).toBe(200);
    expect((await server.graphql(VIEWER, { key: flipLastChar(key) })).status).toBe(401);
    expect((await server.graphql(VIEWER, { key: flipLastChar(key) })).status).toBe(401);
    expect((await server.graphql(VIEWER, { key: flipLastChar(key) })).status).toBe(429);
  });
});

describe('cost bucket', () => {
  it('puts extensions.cost on every response, successful ones too', async () => {
    const { server, key } = await serverWith({ COST_BUCKET_SIZE: 1000, COST_RESTORE_RATE: 1 }, 2);
    const res = await server.graphql(PRODUCTS, { key, variables: { n: 2 } });
    expect(res.status).toBe(200);
    const cost = res.body.extensions?.cost;
    expect(cost).toEqual({
      requestedQueryCost: expect.any(Number),
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: expect.any(Number), restoreRate: 1 },
    });
    expect(cost.requestedQueryCost).toBeGreaterThan(0);
    expect(cost.actualQueryCost).toBe(cost.requestedQueryCost);
    // Restored at 1 point/s: at most a point or two came back since.
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(1000 - cost.requestedQueryCost + 2);
    expect(cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(1000 - cost.requestedQueryCost);

    // A document that never parses still reports the bucket, at no cost.
    const bad = await server.graphql('{ viewer {', { key });
    expect(bad.status).toBe(400);
    expect(bad.body.extensions?.cost).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0 });
  });

  it('gives back what a short page did not use: the actual cost is what the response holds', async () => {
    const { server, key } = await serverWith({ COST_BUCKET_SIZE: 1000, COST_RESTORE_RATE: 1 }, 3);
    const res = await server.graphql(PRODUCTS, { key, variables: { n: 50 } });
    expect(res.body.data?.products.edges).toHaveLength(3);
    const cost = res.body.extensions?.cost;
    // Asked for 50 (1 + 50 × 2); holds the connection and 3 edges with 3 nodes.
    expect({ requested: cost.requestedQueryCost, actual: cost.actualQueryCost }).toEqual({ requested: costOf(PRODUCTS, { n: 50 }), actual: 7 });
    expect(cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(1000 - 7);

    // A mutation pays its root fields' 10 and the objects it returns.
    const created = await server.graphql('mutation { createProduct(input: { name: "Kayak", priceCents: 1, capacity: 1 }) { product { id } } }', { key });
    expect(created.body.extensions?.cost.actualQueryCost).toBe(12);
  });

  it('gives everything back for a mutation refused whole before it ran', async () => {
    const { server } = await serverWith({ COST_BUCKET_SIZE: 1000, COST_RESTORE_RATE: 1 });
    const { secret } = await server.mintKey({ scopes: ['products:write'] });
    // products:write may create but not read the customer selected in the payload: refused before anything runs.
    const refused = await server.graphql(
      'mutation { createBooking(input: { productId: "x", customerId: "y", startsAt: "2030-01-01T10:00:00Z", endsAt: "2030-01-01T11:00:00Z" }) { booking { id customer { email } } } }',
      { key: secret },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.extensions?.cost).toMatchObject({ actualQueryCost: 0, throttleStatus: { currentlyAvailable: 1000 } });
  });

  it('refuses an operation the bucket cannot pay for with 429 and the time to restore enough', async () => {
    const perCall = costOf(PRODUCTS, { n: 100 });
    // Room for two calls and a bit: the third is refused.
    const { server, key } = await serverWith({ COST_BUCKET_SIZE: Math.floor(perCall * 2.5), COST_RESTORE_RATE: 1 }, 100);
    const expensive = () => server.graphql(PRODUCTS, { key, variables: { n: 100 } });
    expect((await expensive()).status).toBe(200);
    expect((await expensive()).status).toBe(200);
    const res = await expensive();
    const retryAfter = expectRateLimited(res);
    const cost = res.body.extensions?.cost;
    expect(cost).toMatchObject({ requestedQueryCost: perCall, actualQueryCost: 0 });
    const missing = perCall - cost.throttleStatus.currentlyAvailable;
    expect(retryAfter).toBeGreaterThanOrEqual(missing - 1);
    expect(retryAfter).toBeLessThanOrEqual(missing + 1);
    // An operation the points left can pay for still runs (`__typename` costs nothing).
    const free = await server.graphql('{ __typename }', { key });
    expect({ status: free.status, requested: free.body.extensions?.cost.requestedQueryCost }).toEqual({ status: 200, requested: 0 });
  });

  it('restores points over time', async () => {
    const perCall = costOf(PRODUCTS, { n: 100 });
    // One call fits; a second needs 2 s of restoring.
    const rate = Math.ceil(perCall / 2);
    const { server, key } = await serverWith({ COST_BUCKET_SIZE: perCall, COST_RESTORE_RATE: rate }, 100);
    const expensive = () => server.graphql(PRODUCTS, { key, variables: { n: 100 } });
    expect((await expensive()).status).toBe(200);
    expectRateLimited(await expensive());
    const deadline = Date.now() + 8_000;
    let last: Response;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await expensive();
    } while (last.status !== 200 && Date.now() < deadline);
    expect(last.status).toBe(200);
  }, 15_000);

  it('refuses a cost larger than the whole bucket with QUERY_TOO_COMPLEX, not a wait', async () => {
    const { server, key } = await serverWith({ COST_BUCKET_SIZE: 10, COST_RESTORE_RATE: 1 });
    const res = await server.graphql(PRODUCTS, { key, variables: { n: 50 } });
    expect(res.status).toBe(400);
    expect(onlyError(res).extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(onlyError(res).extensions).toMatchObject({ limit: 'Cost bucket size', maximum: 10 });
    expect(res.headers.get('retry-after')).toBeNull();
  });
});
