import { startTestServer, type TestServer } from '../support/server';
import { createCatalog } from './domain-fixtures';
import { statementCounter } from '../support/statement-counter';

/**
 * Issue 4 item 6: the SQL statements one GraphQL request runs do not grow with
 * the page. Every statement TypeORM sends goes through the DataSource's logger
 * (`logQuery` is called by each driver's QueryRunner before it executes,
 * whatever `logging` says), so a counting logger installed with the public
 * `setOptions` sees them all, transactions and raw queries included.
 */
let server: TestServer;
let key: string;
const { logger: countingLogger, statements } = statementCounter();

beforeAll(async () => {
  // A long key cache: a key lookup must not land in one request's count and not another's.
  // Likewise the request log's batched INSERT: hold it back for longer than the file runs.
  // And no webhook delivery worker: its polls of the queue would land in any request's count.
  server = await startTestServer({ KEY_CACHE_TTL_MS: 60_000, REQUEST_LOG_FLUSH_MS: 60_000, WEBHOOK_WORKER: false });
  ({ secret: key } = await server.mintKey({ scopes: ['products:read', 'customers:read', 'bookings:read'] }));
  // 100 customers with one to three bookings each, spread over 4 products.
  await createCatalog(server, 'acme', { products: 4, customers: 100, bookings: 200 });
  server.db.dataSource.setOptions({ logger: countingLogger });
  // The first request writes lastUsedAt (at most once a minute): keep it out of the counts.
  await server.graphql('{ viewer { effectiveScopes } }', { key });
  await new Promise((resolve) => setTimeout(resolve, 200));
});
afterAll(() => server.close());

async function statementsFor(query: string, first: number): Promise<string[]> {
  statements.length = 0;
  const res = await server.graphql(query, { key, variables: { first } });
  expect(res.body.errors).toBeUndefined();
  // The page really is that long, and every row asked for its relations.
  const edges = Object.values(res.body.data!)[0].edges;
  expect(edges).toHaveLength(first);
  return [...statements];
}

const BOOKINGS = 'query ($first: Int) { bookings(first: $first) { edges { node { reference product { name } customer { name email } } } } }';
const CUSTOMERS = 'query ($first: Int) { customers(first: $first) { edges { node { name bookings { edges { node { reference } } } } } } }';

it('a page of 100 bookings with product and customer runs as many statements as a page of 5', async () => {
  const five = await statementsFor(BOOKINGS, 5);
  const hundred = await statementsFor(BOOKINGS, 100);
  expect(hundred).toHaveLength(five.length);
  // The page, with its products and customers joined (EntityReader): one statement.
  expect(hundred).toHaveLength(1);
});

it('the page reads its relations in its own statement through fragments too, and only those asked for', async () => {
  const viaFragments = `query ($first: Int) { bookings(first: $first) { ...Page } }
    fragment Page on BookingConnection { edges { ... on BookingEdge { node { ...Row } } } }
    fragment Row on Booking { reference who: customer { name } }`;
  const [page] = await statementsFor(viaFragments, 20);
  expect(page).toMatch(/JOIN [`"]customer[`"]/);
  expect(page).not.toMatch(/JOIN [`"]product[`"]/);
  const [plain] = await statementsFor('query ($first: Int) { bookings(first: $first) { edges { node { reference } } } }', 20);
  expect(plain).not.toMatch(/JOIN/);
});

it('relations read with the page answer exactly what the loaders answer', async () => {
  const res = await server.graphql(
    '{ bookings(first: 50) { edges { node { id product { id name } customer { id name email } } } } }',
    { key },
  );
  expect(res.body.errors).toBeUndefined();
  type Row = { id: string; product: unknown; customer: unknown };
  const rows = (res.body.data!.bookings as { edges: { node: Row }[] }).edges.map((edge) => edge.node);
  expect(rows.filter((row) => row.customer !== null).length).toBeGreaterThan(0);
  // node(id:) resolves each booking on its own, its relations through the DataLoaders.
  for (const row of rows.slice(0, 20)) {
    const alone = await server.graphql(
      'query ($id: ID!) { node(id: $id) { ... on Booking { id product { id name } customer { id name email } } } }',
      { key, variables: { id: row.id } },
    );
    expect(alone.body.errors).toBeUndefined();
    expect(alone.body.data!.node).toEqual(row);
  }
});

it('a page of 100 customers with their bookings runs as many statements as a page of 5', async () => {
  const five = await statementsFor(CUSTOMERS, 5);
  const hundred = await statementsFor(CUSTOMERS, 100);
  expect(hundred).toHaveLength(five.length);
  // The page, and every customer's bookings at once.
  expect(hundred).toHaveLength(2);
});

it('aliases asking different pages of Customer.bookings cost one statement per distinct page', async () => {
  const query = `query ($first: Int) { customers(first: $first) { edges { node {
    a: bookings(first: 1) { edges { node { id } } }
    b: bookings(first: 2) { edges { node { id } } }
    c: bookings(first: 1) { edges { node { id } } } } } } }`;
  const five = await statementsFor(query, 5);
  expect(await statementsFor(query, 100)).toHaveLength(five.length);
  // The page, then first: 1 (shared by a and c) and first: 2.
  expect(five).toHaveLength(3);
});

it('a page of 50 keys with creator, policies, effective scopes and request logs runs as many statements as a page of 5', async () => {
  // 60 keys made through the API by one admin key, so each has a createdBy; some holding the built-in Read only policy.
  const { secret: admin } = await server.mintKey({ scopes: ['admin'] });
  const readOnly = (await server.graphql('{ scopePolicies { id name } }', { key: admin })).body.data!.scopePolicies.find(
    (p: { name: string }) => p.name === 'Read only',
  ).id;
  for (let i = 0; i < 60; i++) {
    const res = await server.graphql(`mutation ($p: [ID!]) { createApiKey(input: { name: "k${i}", policyIds: $p }) { secret } }`, {
      key: admin,
      variables: { p: i % 2 ? [readOnly] : [] },
    });
    expect(res.body.errors).toBeUndefined();
  }
  const KEYS = `query ($first: Int) { apiKeys(first: $first) { edges { node {
    name createdBy { name } policies { name } effectiveScopes requestLogs(first: 3) { edges { node { outcome } } } } } } }`;
  const previous = key;
  key = admin;
  try {
    const five = await statementsFor(KEYS, 5);
    const fifty = await statementsFor(KEYS, 50);
    expect(fifty).toHaveLength(five.length);
  } finally {
    key = previous;
  }
});
