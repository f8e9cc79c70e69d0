import { AuditEntry, WebhookDelivery, WebhookEndpoint } from '../../src/db/entities';
import { parseGlobalId, toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Issue 6 items 1, 2 and 6 through the API: endpoints, the signing secret
 * shown once, scoped subscriptions, rotation, the SSRF guard at creation, and
 * the audit trail. No worker runs: rows stay as the API wrote them.
 */
let server: TestServer;
let admin: { id: number; secret: string };
let bookingsManager: { id: number; secret: string }; // webhooks:write + bookings:read only

beforeAll(async () => {
  server = await startTestServer({ WEBHOOKS_ALLOW_INSECURE: true, WEBHOOK_WORKER: false });
  admin = await server.mintKey({ name: 'root', scopes: ['admin'] });
  bookingsManager = await server.mintKey({ name: 'bookings hooks', scopes: ['webhooks:write', 'bookings:read'] });
});
afterAll(() => server.close());

const FIELDS = 'id url description events enabled disabledReason createdAt updatedAt';
const CREATE = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${FIELDS} } } }`;
const UPDATE = `mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { secret endpoint { ${FIELDS} } } }`;
const DELETE = 'mutation ($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) { deletedId } }';
const HOOK = 'http://127.0.0.1:9/hook';

const run = (query: string, key: string, input: Record<string, unknown>) => server.graphql(query, { key, variables: { input } });
const endpoints = () => server.db.dataSource.getRepository(WebhookEndpoint);
const rowOf = (globalId: string) => endpoints().findOneByOrFail({ id: parseGlobalId(globalId)!.id });

async function created(key: string, input: Record<string, unknown>) {
  const res = await run(CREATE, key, input);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createWebhookEndpoint as { secret: string; endpoint: Record<string, any> };
}

describe('createWebhookEndpoint', () => {
  it('returns the endpoint and its whsec_ secret, once; the subscribing key is the caller', async () => {
    const { secret, endpoint } = await created(admin.secret, { url: HOOK, events: ['booking.*', 'customer.deleted'], description: ' CRM sync ' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint).toMatchObject({ url: HOOK, description: 'CRM sync', events: ['booking.*', 'customer.deleted'], enabled: true, disabledReason: null });
    const row = await rowOf(endpoint.id);
    expect(row).toMatchObject({ secret, createdByKeyId: admin.id, previousSecret: null });

    // Never readable again: no field shows it, and the list does not carry it.
    const listed = await server.graphql(`{ webhookEndpoints { ${FIELDS} } }`, { key: admin.secret });
    expect(listed.body.data!.webhookEndpoints.map((e: any) => e.id)).toContain(endpoint.id);
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
  });

  it('needs the read scope of every event matched on the calling key: SCOPE_REQUIRED naming it, nothing written', async () => {
    const before = await endpoints().count();
    const res = await run(CREATE, bookingsManager.secret, { url: HOOK, events: ['booking.*', 'customer.created'] });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions).toMatchObject({
      code: 'SCOPE_REQUIRED',
      field: 'events',
      requiredScopes: [['customers:read', 'bookings:read']],
      missingScopes: ['customers:read'],
    });
    expect(res.body.errors![0]!.message).toMatch(/customer\.created requires customers:read/);

    const everything = await run(CREATE, bookingsManager.secret, { url: HOOK, events: ['*'] });
    expect(everything.body.errors![0]!.extensions!.missingScopes).toEqual(['products:read', 'customers:read', 'keys:read']);
    expect(await endpoints().count()).toBe(before);

    const allowed = await created(bookingsManager.secret, { url: HOOK, events: ['booking.created', 'booking.cancelled'] });
    expect((await rowOf(allowed.endpoint.id)).createdByKeyId).toBe(bookingsManager.id);
  });

  it('needs webhooks:write (the directive refuses before anything runs)', async () => {
    const { secret } = await server.mintKey({ name: 'reader', scopes: ['webhooks:read', 'bookings:read'] });
    const before = await endpoints().count();
    const res = await run(CREATE, secret, { url: HOOK, events: ['booking.*'] });
    expect(res.status).toBe(403);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['webhooks:write'] });
    expect(await endpoints().count()).toBe(before);
  });

  it('refuses unknown events with suggestions, on `events`', async () => {
    const res = await run(CREATE, admin.secret, { url: HOOK, events: ['booking.canceled', 'bookings.*'] });
    expect(res.body.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'events',
      unknownEvents: ['booking.canceled', 'bookings.*'],
      suggestions: { 'booking.canceled': ['booking.cancelled'], 'bookings.*': ['booking.*'] },
    });
  });

  it.each([
    ['https://10.0.0.1/hook', 'BLOCKED_ADDRESS'],
    ['https://169.254.169.254/latest/meta-data/', 'BLOCKED_ADDRESS'],
    ['https://[::ffff:192.168.0.1]/hook', 'BLOCKED_ADDRESS'],
    ['http://93.184.216.34/hook', 'INSECURE_SCHEME'],
    ['ftp://127.0.0.1/hook', 'INSECURE_SCHEME'],
    ['http://user:pass@127.0.0.1:9/hook', 'CREDENTIALS_IN_URL'],
    ['not a url', 'INVALID_URL'],
  ])('refuses %s on `url` (%s), writing nothing', async (url, reason) => {
    const before = await endpoints().count();
    const res = await run(CREATE, admin.secret, { url, events: ['*'] });
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url', reason });
    expect(await endpoints().count()).toBe(before);
  });
});

describe('updateWebhookEndpoint', () => {
  it('rotates the secret: the new one returned once, the old one kept signing for the grace period', async () => {
    const { secret: first, endpoint } = await created(admin.secret, { url: HOOK, events: ['*'] });
    const untouched = await run(UPDATE, admin.secret, { id: endpoint.id, description: 'renamed' });
    expect(untouched.body.data!.updateWebhookEndpoint).toMatchObject({ secret: null, endpoint: { description: 'renamed' } });

    const started = Date.now();
    const rotated = await run(UPDATE, admin.secret, { id: endpoint.id, rotateSecret: true, secretGraceSeconds: 3600 });
    const second = rotated.body.data!.updateWebhookEndpoint.secret;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    const row = await rowOf(endpoint.id);
    expect(row).toMatchObject({ secret: second, previousSecret: first });
    expect(row.previousSecretExpiresAt!.getTime()).toBeGreaterThanOrEqual(started + 3600_000 - 1000);
    expect(row.previousSecretExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);

    // The default grace is a day; 0 drops the old secret at once.
    await run(UPDATE, admin.secret, { id: endpoint.id, rotateSecret: true });
    expect((await rowOf(endpoint.id)).previousSecretExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 86_400_000 - 5000);
    await run(UPDATE, admin.secret, { id: endpoint.id, rotateSecret: true, secretGraceSeconds: 0 });
    expect(await rowOf(endpoint.id)).toMatchObject({ previousSecret: null, previousSecretExpiresAt: null });

    const bad = await run(UPDATE, admin.secret, { id: endpoint.id, rotateSecret: true, secretGraceSeconds: 604801 });
    expect(bad.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'secretGraceSeconds' });
  });

  it('disables, and re-enabling clears disabledReason and failingSince', async () => {
    const { endpoint } = await created(admin.secret, { url: HOOK, events: ['*'] });
    const off = await run(UPDATE, admin.secret, { id: endpoint.id, enabled: false });
    expect(off.body.data!.updateWebhookEndpoint.endpoint).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/updateWebhookEndpoint/) });

    // As the worker leaves it after a 410 Gone.
    await endpoints().update({ id: parseGlobalId(endpoint.id)!.id }, { disabledReason: 'The endpoint answered 410 Gone', failingSince: new Date() });
    const on = await run(UPDATE, admin.secret, { id: endpoint.id, enabled: true });
    expect(on.body.data!.updateWebhookEndpoint.endpoint).toMatchObject({ enabled: true, disabledReason: null });
    expect(await rowOf(endpoint.id)).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('changing events or url re-checks the scopes and makes the caller the subscribing key', async () => {
    const { endpoint } = await created(admin.secret, { url: HOOK, events: ['*'] });
    const narrower = await run(UPDATE, bookingsManager.secret, { id: endpoint.id, url: 'http://127.0.0.1:9/mine' });
    expect(narrower.body.errors![0]!.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['products:read', 'customers:read', 'keys:read'] });
    const rotate = await run(UPDATE, bookingsManager.secret, { id: endpoint.id, rotateSecret: true });
    expect(rotate.body.errors![0]!.extensions!.code).toBe('SCOPE_REQUIRED');
    expect(await rowOf(endpoint.id)).toMatchObject({ url: HOOK, createdByKeyId: admin.id });

    // Managing without reading is allowed: description, enabled.
    expect((await run(UPDATE, bookingsManager.secret, { id: endpoint.id, description: 'ops' })).body.errors).toBeUndefined();

    const res = await run(UPDATE, bookingsManager.secret, { id: endpoint.id, events: ['booking.*'], url: 'http://127.0.0.1:9/mine' });
    expect(res.body.data!.updateWebhookEndpoint.endpoint).toMatchObject({ events: ['booking.*'], url: 'http://127.0.0.1:9/mine' });
    expect((await rowOf(endpoint.id)).createdByKeyId).toBe(bookingsManager.id);

    const unknown = await run(UPDATE, admin.secret, { id: endpoint.id, events: [] });
    expect(unknown.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    const blocked = await run(UPDATE, admin.secret, { id: endpoint.id, url: 'https://192.168.1.10/' });
    expect(blocked.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url', addressKind: 'private' });
  });

  it('an unknown id, or one of another type, is NOT_FOUND', async () => {
    for (const id of [toGlobalId('WebhookEndpoint', 99_999), toGlobalId('Product', 1)]) {
      expect((await run(UPDATE, admin.secret, { id, enabled: false })).body.errors![0]!.extensions!.code).toBe('NOT_FOUND');
      expect((await run(DELETE, admin.secret, { id })).body.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    }
  });
});

describe('deleteWebhookEndpoint', () => {
  it('removes the endpoint and its deliveries', async () => {
    const { endpoint } = await created(admin.secret, { url: HOOK, events: ['product.*'] });
    const { id: accountId } = await server.account();
    await server.app.services.products.create(accountId, { name: 'Raft', priceCents: 100, capacity: 2 });
    const endpointId = parseGlobalId(endpoint.id)!.id;
    expect(await server.db.dataSource.getRepository(WebhookDelivery).countBy({ endpointId })).toBe(1);

    const res = await run(DELETE, admin.secret, { id: endpoint.id });
    expect(res.body.data!.deleteWebhookEndpoint.deletedId).toBe(endpoint.id);
    expect(await endpoints().existsBy({ id: endpointId })).toBe(false);
    expect(await server.db.dataSource.getRepository(WebhookDelivery).countBy({ endpointId })).toBe(0);
  });
});

it('records create, update and delete in the audit trail, never with a secret', async () => {
  const { secret, endpoint } = await created(admin.secret, { url: HOOK, events: ['booking.*'] });
  const rotated = (await run(UPDATE, admin.secret, { id: endpoint.id, events: ['booking.created'], rotateSecret: true, secretGraceSeconds: 60 })).body.data!
    .updateWebhookEndpoint.secret;
  await run(DELETE, admin.secret, { id: endpoint.id });

  const res = await server.graphql('query ($id: ID) { auditEntries(first: 10, targetId: $id) { edges { node { action targetType targetId actorId changes } } } }', {
    key: admin.secret,
    variables: { id: endpoint.id },
  });
  expect(res.body.errors).toBeUndefined();
  const trail = res.body.data!.auditEntries.edges.map((e: any) => e.node);
  expect(trail.map((e: any) => e.action)).toEqual(['webhook_endpoint.deleted', 'webhook_endpoint.updated', 'webhook_endpoint.created']);
  for (const entry of trail) expect(entry).toMatchObject({ targetType: 'WebhookEndpoint', targetId: endpoint.id, actorId: toGlobalId('ApiKey', admin.id) });
  expect(trail[1].changes).toEqual({ events: { from: ['booking.*'], to: ['booking.created'] }, secretRotated: true, secretGraceSeconds: 60 });
  expect(trail[2].changes).toMatchObject({ url: HOOK, events: ['booking.*'], enabled: true, subscribedByKeyId: admin.id });

  const stored = JSON.stringify(await server.db.dataSource.getRepository(AuditEntry).find());
  for (const s of [secret, rotated]) expect(stored).not.toContain(s.slice(6));
});

it('node(id:) finds an endpoint, behind webhooks:read', async () => {
  const { endpoint } = await created(admin.secret, { url: HOOK, events: ['*'] });
  const query = 'query ($id: ID!) { node(id: $id) { __typename ... on WebhookEndpoint { url } } }';
  expect((await server.graphql(query, { key: admin.secret, variables: { id: endpoint.id } })).body.data!.node).toEqual({ __typename: 'WebhookEndpoint', url: HOOK });
  const { secret: noRead } = await server.mintKey({ name: 'products only', scopes: ['products:read'] });
  const denied = await server.graphql(query, { key: noRead, variables: { id: endpoint.id } });
  expect(denied.body.errors![0]!.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['webhooks:read'] });
});
