/**
 * Authentication over HTTP (contract §3, §4): who gets in, with which status,
 * headers and code, and what a refused request costs the database.
 */
import { generateKey, hashKey } from '../../src/auth/key-format';
import { ApiKey } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { expectRefused, flipLastChar } from './helpers';

const VIEWER = '{ viewer { account { name } effectiveScopes } }';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => server.close());

it('serves a valid key: 200, its data and its scopes', async () => {
  const { secret } = await server.mintKey({ scopes: ['admin'] });
  const res = await server.graphql(VIEWER, { key: secret });
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data?.viewer.account.name).toBe('acme');
  expect(res.body.data?.viewer.effectiveScopes).toContain('admin');
  expect(res.headers.get('www-authenticate')).toBeNull();
});

describe('refuses with 401 UNAUTHENTICATED', () => {
  let real: string;
  beforeAll(async () => {
    real = (await server.mintKey({ scopes: ['products:read'] })).secret;
  });

  it.each<[string, () => Record<string, string>]>([
    ['no Authorization header', () => ({})],
    ['an empty Authorization header', () => ({ authorization: '' })],
    ['the Basic scheme', () => ({ authorization: `Basic ${Buffer.from(`user:${real}`).toString('base64')}` })],
    ['the key without a scheme', () => ({ authorization: real })],
    ['Bearer with no key', () => ({ authorization: 'Bearer ' })],
    ['a key too short', () => ({ authorization: `Bearer ${real.slice(0, -1)}` })],
    ['a key too long', () => ({ authorization: `Bearer ${real}A` })],
    ['a test-mode prefix', () => ({ authorization: `Bearer ${real.replace('sk_live_', 'sk_test_')}` })],
    ['a character outside base62', () => ({ authorization: `Bearer ${real.slice(0, 10)}-${real.slice(11)}` })],
    ['two tokens', () => ({ authorization: `Bearer ${real} ${real}` })],
    ['a bad checksum (last character flipped)', () => ({ authorization: `Bearer ${flipLastChar(real)}` })],
    ['a well-formed key that was never issued', () => ({ authorization: `Bearer ${generateKey('SECRET')}` })],
  ])('%s', async (_case, headers) => {
    const res = await server.graphql(VIEWER, { headers: headers() });
    expectRefused(res, 401, 'UNAUTHENTICATED');
  });

  it('accepts the scheme name in any case (RFC 7235), so the 401s above are about the key', async () => {
    const res = await server.graphql(VIEWER, { headers: { authorization: `bearer ${real}` } });
    expect(res.status).toBe(200);
    expect(res.body.data?.viewer.account.name).toBe('acme');
  });
});

describe('rejects malformed keys before any database work', () => {
  it.each([
    ['malformed', () => 'sk_live_not-a-key'],
    ['bad checksum', (real: string) => flipLastChar(real)],
  ])('%s: no key lookup', async (_case, make) => {
    const { secret } = await server.mintKey({ scopes: ['products:read'] });
    const lookup = jest.spyOn(server.app.services.repos.apiKeys, 'findBySecretHash');
    const res = await server.graphql(VIEWER, { key: make(secret) });
    expectRefused(res, 401, 'UNAUTHENTICATED');
    expect(lookup).not.toHaveBeenCalled();
  });

  it('a well-formed unknown key is looked up, by its hash only', async () => {
    const unknown = generateKey('PUBLISHABLE');
    const lookup = jest.spyOn(server.app.services.repos.apiKeys, 'findBySecretHash');
    const res = await server.graphql(VIEWER, { key: unknown });
    expectRefused(res, 401, 'UNAUTHENTICATED');
    expect(lookup.mock.calls).toEqual([[hashKey(unknown)]]);
  });
});

it('refuses an expired key with 401 KEY_EXPIRED', async () => {
  const { id, secret } = await server.mintKey({ scopes: ['products:read'], expiresAt: new Date(Date.now() + 3_600_000) });
  await server.db.dataSource.getRepository(ApiKey).update({ id }, { expiresAt: new Date(Date.now() - 1_000) });
  expectRefused(await server.graphql(VIEWER, { key: secret }), 401, 'KEY_EXPIRED');
});

it('a key whose expiry is still ahead works', async () => {
  const { secret } = await server.mintKey({ scopes: ['products:read'], expiresAt: new Date(Date.now() + 3_600_000) });
  expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);
});

it('refuses a revoked key from the very next request, although it was cached', async () => {
  const { secret: admin } = await server.mintKey({ scopes: ['admin'] });
  const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
  expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);

  // Served from the in-process cache now: no lookup on the second request.
  const lookup = jest.spyOn(server.app.services.repos.apiKeys, 'findBySecretHash');
  expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);
  expect(lookup).not.toHaveBeenCalled();

  const revoke = await server.graphql('mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { status } } }', {
    key: admin,
    variables: { id: toGlobalId('ApiKey', id) },
  });
  expect(revoke.status).toBe(200);
  expect(revoke.body.data?.revokeApiKey.apiKey.status).toBe('REVOKED');

  expectRefused(await server.graphql(VIEWER, { key: secret }), 401, 'KEY_REVOKED');
  // And it stays refused (the re-cached record is the revoked one).
  expectRefused(await server.graphql(VIEWER, { key: secret }), 401, 'KEY_REVOKED');
});

describe('IP allowlist', () => {
  // The test client connects from 127.0.0.1.
  it.each<[string[], Record<string, string>, number]>([
    [['10.0.0.0/8'], {}, 403],
    [['203.0.113.7'], {}, 403],
    // TRUST_PROXY is off: a client cannot claim an allowed address.
    [['10.0.0.0/8'], { 'x-forwarded-for': '10.1.2.3' }, 403],
    [['127.0.0.1/32'], {}, 200],
    [['127.0.0.1'], {}, 200],
    [['::1', '127.0.0.0/8'], {}, 200],
    [['10.0.0.0/8', '127.0.0.1'], {}, 200],
  ])('allowlist %j, extra headers %j: %i', async (ipAllowlist, headers, status) => {
    const { secret } = await server.mintKey({ scopes: ['products:read'], ipAllowlist });
    const res = await server.graphql(VIEWER, { key: secret, headers });
    if (status === 403) {
      expectRefused(res, 403, 'IP_NOT_ALLOWED');
    } else {
      expect(res.status).toBe(200);
      expect(res.body.data?.viewer.account.name).toBe('acme');
    }
  });
});

describe('allowed origins of a publishable key', () => {
  let publishable: string;
  beforeAll(async () => {
    publishable = (
      await server.mintKey({ type: 'PUBLISHABLE', scopes: ['products:read'], allowedOrigins: ['https://shop.example.com'] })
    ).secret;
  });

  it('refuses an unlisted Origin with 403 ORIGIN_NOT_ALLOWED and no CORS grant', async () => {
    const res = await server.graphql(VIEWER, { key: publishable, headers: { origin: 'https://evil.example.com' } });
    expectRefused(res, 403, 'ORIGIN_NOT_ALLOWED');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['an origin that only shares a prefix', 'https://shop.example.com.evil.test'],
    ['the listed host over http', 'http://shop.example.com'],
    ['the listed host on another port', 'https://shop.example.com:8443'],
    ['the opaque origin of a sandboxed page', 'null'],
  ])('refuses %s', async (_case, origin) => {
    expectRefused(await server.graphql(VIEWER, { key: publishable, headers: { origin } }), 403, 'ORIGIN_NOT_ALLOWED');
  });

  it.each([
    ['the listed Origin', { origin: 'https://shop.example.com' }],
    ['no Origin (not a browser page)', {}],
  ])('serves %s', async (_case, headers: Record<string, string>) => {
    const res = await server.graphql(VIEWER, { key: publishable, headers });
    expect(res.status).toBe(200);
    expect(res.body.data?.viewer).toEqual({ account: { name: 'acme' }, effectiveScopes: ['products:read'] });
  });

  it('a secret key is not bound to origins', async () => {
    const { secret } = await server.mintKey({ scopes: ['products:read'] });
    const res = await server.graphql(VIEWER, { key: secret, headers: { origin: 'https://evil.example.com' } });
    expect(res.status).toBe(200);
  });
});
