import type { DataSource } from 'typeorm';
import { createApp, openDatabase, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { Customer } from '../../src/db/entities';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { GENEROUS_RATE_LIMITS } from '../support/server';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

/**
 * Issue 7 item 7: the server reaches MariaDB through a proxy the test breaks.
 * During an outage every request gets a prompt 503 SERVICE_UNAVAILABLE (within
 * DB_TIMEOUT_MS, not the driver's own minutes), /healthz says 503, and once
 * the proxy forwards again the server recovers by itself, with every write it
 * acknowledged still there. MariaDB only: SQLite has no connection to cut.
 */

const DB_TIMEOUT_MS = 1_000;
// Not a timing assertion: a request still unanswered after this long hung, which is the failure being tested.
const HANG = 20 * DB_TIMEOUT_MS;

let db: TestDatabase;
let proxy: TcpProxy;
let proxied: DataSource;
let app: App;
let base: string;
let cachedKey: string;
let productId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 3306 });
  const url = db.url.replace('127.0.0.1:3306', proxy.address);
  proxied = await openDatabase({ DATABASE_URL: url, MIGRATIONS_RUN: false, DB_TIMEOUT_MS });
  const config = loadConfig({
    LOG_LEVEL: process.env.FAULT_LOG ?? 'silent',
    DATABASE_URL: url,
    DB_TIMEOUT_MS: String(DB_TIMEOUT_MS),
    WEBHOOK_WORKER: 'false',
    // Long enough that the key used before an outage is still cached during it.
    KEY_CACHE_TTL_MS: '60000',
    ...GENEROUS_RATE_LIMITS,
  });
  app = await createApp(config, proxied);
  base = await app.http.listen({ host: '127.0.0.1', port: 0 });
  cachedKey = await mint('cached', ['products:write', 'customers:write']);
  const created = await graphql(cachedKey, 'mutation { createProduct(input: { name: "Kayak", priceCents: 4000, capacity: 4 }) { product { id } } }');
  productId = created.body.data.createProduct.product.id;
});

afterAll(async () => {
  proxy?.restore();
  await app?.close();
  await proxy?.close();
  await db?.drop();
});

afterEach(async () => {
  proxy.restore();
  await waitForHealth(200);
});

async function mint(name: string, scopes: string[]): Promise<string> {
  const account = await app.services.repos.accounts.findOrCreate('acme', 'Acme');
  const { secret } = await app.services.keys.create({ kind: 'operator', accountId: account.id }, { name, scopes });
  return secret;
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function graphql(key: string, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(HANG),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

async function healthz(): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(HANG) });
  return { status: response.status, body: await response.json() };
}

async function waitForHealth(status: number, deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  let last: number | undefined;
  while (Date.now() < until) {
    last = (await healthz()).status;
    if (last === status) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/healthz stayed ${last}, expected ${status} within ${deadlineMs} ms`);
}

const CREATE_CUSTOMER = 'mutation ($name: String!, $email: String!) { createCustomer(input: { name: $name, email: $email }) { customer { id name } } }';

function expectUnavailable(answer: Answer): void {
  expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 503 });
  expect(answer.headers.get('retry-after')).toBe('1');
  expect(answer.body.errors?.[0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', requestId: expect.any(String) } });
  // Nothing about the driver, the host or SQL reaches the client.
  expect(JSON.stringify(answer.body)).not.toMatch(/ECONN|PROTOCOL_|ETIMEDOUT|127\.0\.0\.1|SELECT|mysql/i);
}

async function customerNames(): Promise<string[]> {
  // Straight to MariaDB, past the proxy: what was really committed.
  const rows = await db.dataSource.getRepository(Customer).find({ select: { name: true } });
  return rows.map((row) => row.name).sort();
}

describe.each([
  ['cut (connections reset, new ones refused)', (p: TcpProxy) => p.cut()],
  ['blackhole (nothing answers; only DB_TIMEOUT_MS ends the wait)', (p: TcpProxy) => p.blackhole()],
])('a database outage: %s', (_name, breakProxy) => {
  it('answers 503 SERVICE_UNAVAILABLE to reads, writes and new keys, and /healthz 503', async () => {
    const uncachedKey = await mint(`uncached ${Date.now()}`, ['customers:read']);
    const before = await customerNames();
    breakProxy(proxy);

    // A key verified before the outage (cached): the resolver's query fails.
    expectUnavailable(await graphql(cachedKey, '{ customers(first: 5) { edges { node { id } } } }'));
    // A key never seen: its lookup fails, before any GraphQL runs.
    expectUnavailable(await graphql(uncachedKey, '{ customers(first: 5) { edges { node { id } } } }'));
    // A write: refused whole, nothing half-written.
    expectUnavailable(await graphql(cachedKey, CREATE_CUSTOMER, { name: 'During outage', email: 'outage@example.com' }));

    expect(await healthz()).toEqual({ status: 503, body: expect.objectContaining({ status: 'unavailable', database: 'down' }) });

    proxy.restore();
    await waitForHealth(200);
    const after = await graphql(uncachedKey, '{ customers(first: 5) { edges { node { id } } } }');
    expect(after.status).toBe(200);
    expect(after.body.errors).toBeUndefined();
    expect(await customerNames()).toEqual(before);
  });
});

it('loses no acknowledged write when the connection is cut in the middle of a stream of writes', async () => {
  const acknowledged: string[] = [];
  const refused: string[] = [];
  let n = 0;
  const writer = async (stopAt: number) => {
    while (Date.now() < stopAt) {
      const name = `Stream ${++n}`;
      const answer = await graphql(cachedKey, CREATE_CUSTOMER, { name, email: `stream${n}@example.com` }).catch(() => undefined);
      if (answer?.status === 200 && answer.body.data?.createCustomer?.customer?.name === name) acknowledged.push(name);
      else {
        // Whatever failed said so with a code, never a bare 500.
        if (answer) expect(answer.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
        refused.push(name);
      }
    }
  };
  const before = await customerNames();
  const stopAt = Date.now() + 3_000;
  const writers = Promise.all([writer(stopAt), writer(stopAt), writer(stopAt), writer(stopAt)]);
  await new Promise((resolve) => setTimeout(resolve, 700));
  proxy.cut();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  proxy.restore();
  await writers;
  await waitForHealth(200);

  expect(acknowledged.length).toBeGreaterThan(0);
  expect(refused.length).toBeGreaterThan(0);
  const committed = new Set(await customerNames());
  // Every write the server acknowledged is in the database...
  expect(acknowledged.filter((name) => !committed.has(name))).toEqual([]);
  // ...and nothing is there that was neither acknowledged nor attempted. (A write
  // whose COMMIT reached MariaDB just before the cut may be present though its
  // client saw 503: that ambiguity is the network's, and Retry-After says retry.)
  const attempted = new Set([...before, ...acknowledged, ...refused]);
  expect([...committed].filter((name) => !attempted.has(name))).toEqual([]);
});

it('takes new bookings again within seconds of the database coming back', async () => {
  const customer = await graphql(cachedKey, CREATE_CUSTOMER, { name: 'Back', email: 'back@example.com' });
  const key = await mint('bookings', ['bookings:write', 'bookings:read']);
  proxy.cut();
  await waitForHealth(503);
  proxy.restore();
  await waitForHealth(200);
  const booked = await graphql(
    key,
    'mutation ($p: ID!, $c: ID!) { createBooking(input: { productId: $p, customerId: $c, startsAt: "2030-01-01T10:00:00Z", endsAt: "2030-01-01T11:00:00Z" }) { booking { id status } } }',
    { p: productId, c: customer.body.data.createCustomer.customer.id },
  );
  expect(booked.status).toBe(200);
  expect(booked.body.data.createBooking.booking).toMatchObject({ status: 'CONFIRMED' });
  expect(proxy.accepted).toBeGreaterThan(1);
});
