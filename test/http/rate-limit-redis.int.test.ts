/**
 * Rate limits in Redis (REDIS_URL, a local Redis on 6379): instances share one
 * budget, and an unreachable Redis degrades to per-instance limits in memory
 * (the insurance limiters) instead of failing requests.
 */
import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { startTestServer, type TestServer } from '../support/server';
import type { GraphQLBody } from '../support/server';

const REDIS_URL = 'redis://127.0.0.1:6379';
const VIEWER = '{ viewer { account { name } } }';

/** Each server pair gets its own key prefix, so parallel test files (and both DB projects) never share a budget. */
const redisOverrides = (more: Partial<Config> = {}): Partial<Config> => ({
  REDIS_URL,
  RATE_LIMIT_PREFIX: `scopeql-test:${randomUUID()}`,
  ...more,
});

async function post(url: string, key: string, query = VIEWER) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody };
}

describe('with REDIS_URL', () => {
  let first: TestServer;
  let second: App;
  let secondUrl: string;
  let key: string;
  beforeAll(async () => {
    const overrides = redisOverrides({ RATE_LIMIT_REQUESTS: 4, COST_BUCKET_SIZE: 100, COST_RESTORE_RATE: 1 });
    first = await startTestServer(overrides);
    // A second instance of the server on the same database, as a second replica would be.
    const config = { ...loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: first.db.url }), ...overrides, WEBHOOK_WORKER: false };
    second = await createApp(config, first.db.dataSource);
    secondUrl = `${await second.http.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
    key = (await first.mintKey({ scopes: ['admin'] })).secret;
  });
  afterAll(async () => {
    // Not second.close(): the database belongs to the first server.
    await second.http.close();
    await second.services.requestLogs.close();
    await first.close();
  });

  it('two instances share one request budget and one cost bucket', async () => {
    const a1 = await post(first.url, key);
    const b1 = await post(secondUrl, key);
    const a2 = await post(first.url, key);
    const b2 = await post(secondUrl, key);
    expect([a1, b1, a2, b2].map((r) => [r.status, r.headers.get('ratelimit-remaining')])).toEqual([
      [200, '3'],
      [200, '2'],
      [200, '1'],
      [200, '0'],
    ]);
    // Each call took its cost from the same bucket: what is left shrinks across instances.
    const available = [a1, b1, a2, b2].map((r) => r.body.extensions?.cost.throttleStatus.currentlyAvailable as number);
    const perCall = a1.body.extensions?.cost.requestedQueryCost as number;
    expect(perCall).toBeGreaterThan(0);
    expect(available[3]).toBeLessThanOrEqual(100 - 4 * perCall + 2);

    const refused = await post(first.url, key);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post(secondUrl, key)).status).toBe(429);
  });
});

describe('with Redis unreachable', () => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startTestServer({ ...redisOverrides({ RATE_LIMIT_REQUESTS: 3, COST_BUCKET_SIZE: 1000 }), REDIS_URL: 'redis://127.0.0.1:1' });
    key = (await server.mintKey({ scopes: ['admin'] })).secret;
  });
  afterAll(() => server.close());

  it('still serves requests, limited per instance by the in-memory insurance limiters', async () => {
    const served = [await post(server.url, key), await post(server.url, key), await post(server.url, key)];
    expect(served.map((r) => [r.status, r.headers.get('ratelimit-remaining')])).toEqual([
      [200, '2'],
      [200, '1'],
      [200, '0'],
    ]);
    expect(served[0]!.body.extensions?.cost).toMatchObject({ throttleStatus: { maximumAvailable: 1000 } });
    expect((await post(server.url, key)).status).toBe(429);
  });
});
