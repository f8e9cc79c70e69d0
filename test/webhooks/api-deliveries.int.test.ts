import { WebhookAttempt, WebhookDelivery, type WebhookDeliveryStatus } from '../../src/db/entities';
import type { Actor } from '../../src/domain/actor';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { statementCounter } from '../support/statement-counter';

/**
 * Issue 6 item 5 through the API: the delivery log and retryWebhookDelivery.
 * No worker runs; the statuses and attempts a worker would leave are written
 * here directly, so each test states exactly the log it reads.
 */
let server: TestServer;
let admin: string;
let logReader: string; // webhooks.deliveries:read only
let accountId: number;
let everything: number; // endpoint ids
let productsOnly: number;

const { logger: countingLogger, statements } = statementCounter();

beforeAll(async () => {
  server = await startTestServer({ WEBHOOKS_ALLOW_INSECURE: true, WEBHOOK_WORKER: false, KEY_CACHE_TTL_MS: 60_000, REQUEST_LOG_FLUSH_MS: 60_000 });
  ({ secret: admin } = await server.mintKey({ name: 'root', scopes: ['admin'] }));
  ({ secret: logReader } = await server.mintKey({ name: 'log reader', scopes: ['webhooks.deliveries:read'] }));
  ({ id: accountId } = await server.account());
  const operator: Actor = { kind: 'operator', accountId };
  const hooks = server.app.services.webhookEndpoints;
  everything = (await hooks.create(operator, { url: 'http://127.0.0.1:9/all', events: ['*'] })).endpoint.id;
  productsOnly = (await hooks.create(operator, { url: 'http://127.0.0.1:9/products', events: ['product.*'] })).endpoint.id;
  for (let i = 0; i < 30; i++) await server.app.services.products.create(accountId, { name: `Product ${i}`, priceCents: 100, capacity: 1 });
});
afterAll(() => server.close());

const deliveries = () => server.db.dataSource.getRepository(WebhookDelivery);
const gid = (id: number) => toGlobalId('WebhookDelivery', id);
const LIST = `query ($endpointId: ID, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {
    edges { cursor node { id endpointId eventType messageId status attempts nextAttemptAt lastStatusCode lastError createdAt
      endpoint { id url } attemptLog(first: 2) { at statusCode latencyMs succeeded error } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const RETRY = 'mutation ($id: ID!) { retryWebhookDelivery(input: { id: $id }) { delivery { id status attempts nextAttemptAt lastError } } }';

async function list(variables: Record<string, unknown>, key = admin) {
  const res = await server.graphql(LIST, { key, variables });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.webhookDeliveries;
}

/** A delivery as the worker leaves it after `codes.length` attempts. */
async function settle(id: number, status: WebhookDeliveryStatus, codes: (number | null)[]) {
  const log = server.db.dataSource.getRepository(WebhookAttempt);
  for (const [i, code] of codes.entries()) {
    await log.insert({ deliveryId: id, accountId, at: new Date(Date.now() - (codes.length - i) * 1000), statusCode: code, latencyMs: 10 + i, succeeded: code === 200, error: code === 200 ? null : `attempt ${i + 1} failed` });
  }
  await deliveries().update({ id }, { status, attempts: codes.length, nextAttemptAt: status === 'PENDING' ? new Date() : null, lastStatusCode: codes.at(-1) ?? null, lastError: status === 'SUCCEEDED' ? null : 'it went wrong' });
}

it('lists deliveries newest first, with their event type, endpoint and newest attempts', async () => {
  const [newest] = await deliveries().find({ where: { accountId }, order: { id: 'DESC' }, take: 1 });
  await settle(newest!.id, 'FAILED', [500, null, 503]);
  const page = await list({ first: 3 });
  expect(page.edges).toHaveLength(3);
  expect(page.pageInfo.hasNextPage).toBe(true);
  const node = page.edges[0].node;
  expect(node).toMatchObject({
    id: gid(newest!.id),
    endpointId: toGlobalId('WebhookEndpoint', newest!.endpointId),
    endpoint: { id: toGlobalId('WebhookEndpoint', newest!.endpointId) },
    eventType: 'product.created',
    messageId: newest!.messageId,
    status: 'FAILED',
    attempts: 3,
    nextAttemptAt: null,
    lastStatusCode: 503,
    lastError: 'it went wrong',
  });
  expect(node.attemptLog).toEqual([
    expect.objectContaining({ statusCode: 503, latencyMs: 12, succeeded: false, error: 'attempt 3 failed' }),
    expect.objectContaining({ statusCode: null, latencyMs: 11 }),
  ]);
  // The next page follows on from the cursor.
  const next = await list({ first: 3, after: page.pageInfo.endCursor });
  expect(Number(Buffer.from(next.edges[0].cursor, 'base64url').toString().slice(2))).toBeLessThan(newest!.id - 2);
});

it('filters by endpoint and by status', async () => {
  const ofOne = await list({ endpointId: toGlobalId('WebhookEndpoint', productsOnly), first: 100 });
  expect(ofOne.edges).toHaveLength(30);
  expect(ofOne.edges.every((e: any) => e.node.endpointId === toGlobalId('WebhookEndpoint', productsOnly))).toBe(true);
  const [row] = await deliveries().find({ where: { endpointId: everything, status: 'PENDING' }, take: 1 });
  await settle(row!.id, 'SKIPPED', []);
  const skipped = await list({ status: 'SKIPPED', first: 100 });
  expect(skipped.edges.map((e: any) => e.node.id)).toEqual([gid(row!.id)]);

  for (const endpointId of [toGlobalId('WebhookEndpoint', 99_999), toGlobalId('Product', 1)]) {
    const res = await server.graphql(LIST, { key: admin, variables: { endpointId } });
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
  }
});

it('a key without webhooks:read gets the log, with SCOPE_REQUIRED only at `endpoint`', async () => {
  const res = await server.graphql(LIST, { key: logReader, variables: { first: 2 } });
  expect(res.body.data!.webhookDeliveries.edges[0].node).toMatchObject({ eventType: 'product.created', endpoint: null });
  expect(res.body.errors!.map((e) => [e.path!.at(-1), e.extensions!.code])).toEqual([
    ['endpoint', 'SCOPE_REQUIRED'],
    ['endpoint', 'SCOPE_REQUIRED'],
  ]);
});

it('a page of 100 runs as many statements as a page of 5 (loaders, no N+1)', async () => {
  server.db.dataSource.setOptions({ logger: countingLogger });
  await list({ first: 1 }); // the key lookup and lastUsedAt out of the way
  const count = async (first: number) => {
    statements.length = 0;
    expect((await list({ first })).edges).toHaveLength(first);
    return statements.length;
  };
  const five = await count(5);
  expect(await count(60)).toBe(five);
  // The page, its endpoints, its event types, its attempts.
  expect(five).toBe(4);
});

describe('retryWebhookDelivery', () => {
  it('puts a FAILED or SKIPPED delivery back in the queue, due now, keeping attempts and webhook-id', async () => {
    const [failed, skipped] = await deliveries().find({ where: { endpointId: productsOnly, status: 'PENDING' }, order: { id: 'ASC' }, take: 2 });
    await settle(failed!.id, 'FAILED', [500, 500]);
    await settle(skipped!.id, 'SKIPPED', []);
    const pokes: number[] = [];
    const unsubscribe = server.app.services.webhookSignal.subscribe(() => pokes.push(1));
    try {
      const started = Date.now();
      const res = await server.graphql(RETRY, { key: admin, variables: { id: gid(failed!.id) } });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.retryWebhookDelivery.delivery).toMatchObject({ id: gid(failed!.id), status: 'PENDING', attempts: 2, lastError: 'it went wrong' });
      expect(new Date(res.body.data!.retryWebhookDelivery.delivery.nextAttemptAt).getTime()).toBeGreaterThanOrEqual(started - 1000);
      expect((await deliveries().findOneByOrFail({ id: failed!.id })).messageId).toBe(failed!.messageId);
      expect((await server.graphql(RETRY, { key: admin, variables: { id: gid(skipped!.id) } })).body.errors).toBeUndefined();
      expect(pokes).toHaveLength(2);
    } finally {
      unsubscribe();
    }
  });

  it('refuses a PENDING or SUCCEEDED delivery, and one whose endpoint is disabled', async () => {
    const [pending, succeeded] = await deliveries().find({ where: { endpointId: productsOnly, status: 'PENDING' }, order: { id: 'DESC' }, take: 2 });
    await settle(succeeded!.id, 'SUCCEEDED', [200]);
    for (const [row, status] of [[pending!, 'PENDING'], [succeeded!, 'SUCCEEDED']] as const) {
      const res = await server.graphql(RETRY, { key: admin, variables: { id: gid(row.id) } });
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', status });
    }

    const { endpoint } = await server.app.services.webhookEndpoints.create({ kind: 'operator', accountId }, { url: 'http://127.0.0.1:9/x', events: ['customer.*'] });
    await server.app.services.customers.create(accountId, { name: 'Eve', email: 'eve@example.com' });
    const [row] = await deliveries().findBy({ endpointId: endpoint.id });
    await settle(row!.id, 'FAILED', [500]);
    await server.app.services.webhookEndpoints.update({ kind: 'operator', accountId }, endpoint.id, { enabled: false });
    const res = await server.graphql(RETRY, { key: admin, variables: { id: gid(row!.id) } });
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(res.body.errors![0]!.message).toMatch(/endpoint is disabled/);
    expect((await deliveries().findOneByOrFail({ id: row!.id })).status).toBe('FAILED');
  });

  it('needs webhooks.deliveries:retry; an unknown id is NOT_FOUND', async () => {
    const [row] = await deliveries().find({ where: { status: 'FAILED' }, take: 1 });
    const denied = await server.graphql(RETRY, { key: logReader, variables: { id: gid(row!.id) } });
    expect(denied.body.errors![0]!.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['webhooks.deliveries:retry'] });
    expect((await deliveries().findOneByOrFail({ id: row!.id })).status).toBe('FAILED');
    const ghost = await server.graphql(RETRY, { key: admin, variables: { id: gid(99_999_999) } });
    expect(ghost.body.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});

it('node(id:) finds a delivery', async () => {
  const [row] = await deliveries().find({ where: { accountId }, take: 1 });
  const res = await server.graphql('query ($id: ID!) { node(id: $id) { __typename ... on WebhookDelivery { messageId } } }', { key: logReader, variables: { id: gid(row!.id) } });
  expect(res.body.data!.node).toEqual({ __typename: 'WebhookDelivery', messageId: row!.messageId });
});
