/**
 * @requiresScope as a client sees it over HTTP (contract §2, §3): X-Scopes,
 * SCOPE_REQUIRED with its extensions, 403 + insufficient_scope only when no
 * data comes back, node(id:) and mutations that must not run.
 */
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { flipLastChar, keyRowCounts, onlyError } from './helpers';

const API_KEYS = '{ apiKeys { edges { node { id } } } }';
const NODE = 'query ($id: ID!) { node(id: $id) { __typename id ... on ApiKey { name } } }';
const challenge = (scopes: string) => `Bearer error="insufficient_scope", scope="${scopes}"`;

let server: TestServer;
let productsOnly: string;
let keysReader: string;
let adminId: number;
beforeAll(async () => {
  server = await startTestServer();
  productsOnly = (await server.mintKey({ name: 'products only', scopes: ['products:read'] })).secret;
  keysReader = (await server.mintKey({ name: 'keys reader', scopes: ['keys:read'] })).secret;
  adminId = (await server.mintKey({ name: 'admin', scopes: ['admin'] })).id;
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => server.close());

describe('X-Scopes', () => {
  it.each<[string, Parameters<TestServer['mintKey']>[0], string[]]>([
    ['a bundle, in catalog order', { bundles: ['accounting_sync'] }, ['products:read', 'customers:read', 'bookings:read', 'reports:read']],
    [
      'write with its implied read and fine-grained actions',
      { scopes: ['customers:write'] },
      ['customers:read', 'customers:write', 'customers:create', 'customers:update', 'customers:delete'],
    ],
    [
      'a wildcard over sub-resources',
      { scopes: ['webhooks:*'] },
      ['webhooks:read', 'webhooks:write', 'webhooks.deliveries:read', 'webhooks.deliveries:retry'],
    ],
    ['keys:write implies keys:read', { scopes: ['keys:write'] }, ['keys:read', 'keys:write']],
    ['a publishable key', { type: 'PUBLISHABLE', bundles: ['booking_widget'] }, ['products:read']],
  ])('%s', async (_case, input, expected) => {
    const { secret } = await server.mintKey(input);
    const res = await server.graphql('{ viewer { effectiveScopes } }', { key: secret });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-scopes')).toBe(expected.join(', '));
    expect(res.body.data?.viewer.effectiveScopes).toEqual(expected);
  });

  it('is sent on a denied (403) authenticated response too', async () => {
    const res = await server.graphql(API_KEYS, { key: productsOnly });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-scopes')).toBe('products:read');
  });

  it('is not sent when the key is refused', async () => {
    const res = await server.graphql('{ viewer { effectiveScopes } }', { key: flipLastChar(productsOnly) });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-scopes')).toBeNull();
  });
});

describe('SCOPE_REQUIRED', () => {
  it('every root field denied: 403 with an insufficient_scope challenge and the error at its path', async () => {
    const res = await server.graphql(API_KEYS, { key: productsOnly });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(challenge('keys:read'));
    expect(res.body.data).toBeNull();
    expect(onlyError(res)).toMatchObject({
      path: ['apiKeys'],
      extensions: { code: 'SCOPE_REQUIRED', requiredScopes: [['keys:read']], missingScopes: ['keys:read'] },
    });
  });

  it('two denied non-null root fields: 403, one challenge naming the scope once', async () => {
    const res = await server.graphql('{ a: apiKeys { edges { cursor } } b: scopePolicies { name } }', { key: productsOnly });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(challenge('keys:read'));
    expect(res.body.data).toBeNull();
    // graphql-js stops at the first non-null root that fails, so `b` may go unreported.
    expect(res.body.errors?.[0]).toMatchObject({ path: ['a'], extensions: { code: 'SCOPE_REQUIRED' } });
  });

  // apiKeys and viewer.apiKey are non-null, so a denial there nulls all of
  // `data` (GraphQL null propagation): nothing is returned, so not a 200.
  it.each([
    ['a denied non-null root beside an allowed one', `{ viewer { account { name } } ${API_KEYS.slice(1, -1)} }`, ['apiKeys']],
    ['a denied non-null field under viewer', '{ viewer { account { name } apiKey { name } } }', ['viewer', 'apiKey', 'name']],
  ])('%s: data is null, so 403', async (_case, query, path) => {
    const res = await server.graphql(query, { key: productsOnly });
    expect(res.body.data).toBeNull();
    expect(onlyError(res)).toMatchObject({ path, extensions: { code: 'SCOPE_REQUIRED', missingScopes: ['keys:read'] } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(challenge('keys:read'));
  });

  it('a denied nullable field beside allowed data: 200 with a partial result', async () => {
    const res = await server.graphql('query ($id: ID!) { viewer { account { name } } node(id: $id) { id } }', {
      key: productsOnly,
      variables: { id: toGlobalId('ApiKey', adminId) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(res.body.data).toEqual({ viewer: { account: { name: 'acme' } }, node: null });
    expect(onlyError(res)).toMatchObject({ path: ['node'], extensions: { code: 'SCOPE_REQUIRED', missingScopes: ['keys:read'] } });
  });

  it('the same query with the scope: no error', async () => {
    const res = await server.graphql('{ viewer { account { name } apiKey { name } } }', { key: keysReader });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { viewer: { account: { name: 'acme' }, apiKey: { name: 'keys reader' } } } });
  });
});

describe('node(id:)', () => {
  it('an ApiKey without keys:read: null, SCOPE_REQUIRED at ["node"], and no __typename leak', async () => {
    const res = await server.graphql(NODE, { key: productsOnly, variables: { id: toGlobalId('ApiKey', adminId) } });
    expect(res.status).toBe(403);
    expect(res.body.data).toEqual({ node: null });
    expect(onlyError(res)).toMatchObject({ path: ['node'], extensions: { code: 'SCOPE_REQUIRED', requiredScopes: [['keys:read']] } });
    expect(JSON.stringify(res.body)).not.toContain('"ApiKey"');
  });

  it('without keys:read, an existing and a non-existent key id get the same answer, with no lookup', async () => {
    const lookup = jest.spyOn(server.app.services.repos.apiKeys, 'findInAccount');
    const existing = await server.graphql(NODE, { key: productsOnly, variables: { id: toGlobalId('ApiKey', adminId) } });
    const missing = await server.graphql(NODE, { key: productsOnly, variables: { id: toGlobalId('ApiKey', 987654) } });
    expect(missing.status).toBe(existing.status);
    expect(missing.body).toEqual(existing.body);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('with keys:read: the key', async () => {
    const id = toGlobalId('ApiKey', adminId);
    const res = await server.graphql(NODE, { key: keysReader, variables: { id } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { node: { __typename: 'ApiKey', id, name: 'admin' } } });
  });

  it.each([
    ['a key of another account', async () => toGlobalId('ApiKey', (await server.mintKey({ account: 'globex', scopes: ['admin'] })).id)],
    ['an id that was never issued', async () => toGlobalId('ApiKey', 987654)],
    ['an id that is not a global id', async () => 'not-an-id'],
  ])('with keys:read, %s: null and no error', async (_case, makeId) => {
    const res = await server.graphql(NODE, { key: keysReader, variables: { id: await makeId() } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { node: null } });
  });

  it('the own Account needs no scope', async () => {
    const account = await server.account();
    const id = toGlobalId('Account', account.id);
    const res = await server.graphql('query ($id: ID!) { node(id: $id) { __typename ... on Account { name } } }', {
      key: productsOnly,
      variables: { id },
    });
    expect(res.body).toEqual({ data: { node: { __typename: 'Account', name: 'acme' } } });
  });
});

describe('a denied mutation has no side effect', () => {
  it('createApiKey with keys:read only: 403 and no row written', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql('mutation { createApiKey(input: { name: "sneaky", scopes: ["keys:read"] }) { secret } }', {
      key: keysReader,
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(challenge('keys:write'));
    expect(res.body.data).toBeNull();
    expect(onlyError(res)).toMatchObject({
      path: ['createApiKey'],
      extensions: { code: 'SCOPE_REQUIRED', requiredScopes: [['keys:write']], missingScopes: ['keys:write'] },
    });
    expect(await keyRowCounts(server)).toEqual(before);
  });

  it('revokeApiKey without keys:write: 403 and the target key keeps working', async () => {
    const target = await server.mintKey({ name: 'target', scopes: ['products:read'] });
    const res = await server.graphql('mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { status } } }', {
      key: keysReader,
      variables: { id: toGlobalId('ApiKey', target.id) },
    });
    expect(res.status).toBe(403);
    expect(onlyError(res).extensions?.code).toBe('SCOPE_REQUIRED');
    const after = await server.graphql('{ viewer { account { name } } }', { key: target.secret });
    expect(after.status).toBe(200);
  });

  it('the same createApiKey with keys:write does write (so the count above can move)', async () => {
    const { secret } = await server.mintKey({ scopes: ['keys:write'] });
    const before = await keyRowCounts(server);
    const res = await server.graphql('mutation { createApiKey(input: { name: "allowed", scopes: ["keys:read"] }) { secret } }', {
      key: secret,
    });
    expect(res.status).toBe(200);
    expect(res.body.data?.createApiKey.secret).toMatch(/^sk_live_/);
    expect(await keyRowCounts(server)).toEqual({ keys: before.keys + 1, secrets: before.secrets + 1 });
  });
});
