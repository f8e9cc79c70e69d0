/**
 * Issue 5 item 9: secrets stay secret. The server's whole log output, at trace
 * level, is captured while keys are minted, created, used, refused, rolled,
 * revoked and deleted, and while faults are logged with their details; no full
 * key and no Authorization header value may appear in it, nor in a request log.
 */
import { generateKey } from '../../src/auth/key-format';
import { RequestLog } from '../../src/db/entities';
import { startTestServer, type TestServer } from '../support/server';
import { expectRefused, flipLastChar, graphqlGet } from './helpers';

const KEY_SHAPE = /(sk|pk)_live_[0-9A-Za-z]{38}/;
const VIEWER = '{ viewer { apiKey { id name prefix } effectiveScopes } }';
const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id prefix } secret } }`;
const ROLL = `mutation ($id: ID!) { rollApiKey(input: { id: $id, graceSeconds: 60 }) { apiKey { prefix } secret } }`;
const REVOKE = `mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { status } } }`;
const DELETE = `mutation ($id: ID!) { deleteApiKey(input: { id: $id }) { deletedId } }`;

let server: TestServer;
/** Every full key this file ever held, valid or not. */
const secrets: string[] = [];
const known = (secret: string) => (secrets.push(secret), secret);

beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'trace' }, { captureLogs: true });
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => server.close());

async function create(admin: string, input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await server.graphql(CREATE, { key: admin, variables: { input } });
  expect(res.body.errors).toBeUndefined();
  return { id: res.body.data?.createApiKey.apiKey.id, secret: known(res.body.data?.createApiKey.secret) };
}

it('a whole key lifecycle, with refusals and faults, writes no key to the log', async () => {
  // Minted as the operator, the CLI's path.
  const admin = known((await server.mintKey({ scopes: ['admin'] })).secret);
  // Created through the API, secret and publishable.
  const partner = await create(admin, { name: 'partner', scopes: ['products:read', 'keys:read'] });
  const browser = await create(admin, { name: 'browser', type: 'PUBLISHABLE', scopes: ['products:read'], allowedOrigins: ['https://shop.example.com'] });
  const fenced = await create(admin, { name: 'fenced', scopes: ['products:read'], ipAllowlist: ['10.0.0.0/8'] });

  // Used: served, denied a scope, over GET, from a browser.
  expect((await server.graphql(VIEWER, { key: partner.secret })).status).toBe(200);
  expect((await server.graphql('{ bookings { edges { cursor } } }', { key: partner.secret })).status).toBe(403);
  const get = await graphqlGet(server, VIEWER, { authorization: `Bearer ${partner.secret}`, 'apollo-require-preflight': 'true' });
  expect(get.status).toBe(200);
  expect((await server.graphql('{ products { edges { cursor } } }', { key: browser.secret, headers: { origin: 'https://shop.example.com' } })).status).toBe(200);

  // Refused: bad checksum, never issued, wrong scheme, wrong origin, wrong address.
  expectRefused(await server.graphql(VIEWER, { key: known(flipLastChar(partner.secret)) }), 401, 'UNAUTHENTICATED');
  expectRefused(await server.graphql(VIEWER, { key: known(generateKey('SECRET')) }), 401, 'UNAUTHENTICATED');
  expectRefused(await server.graphql(VIEWER, { headers: { authorization: `Basic ${partner.secret}` } }), 401, 'UNAUTHENTICATED');
  expectRefused(await server.graphql(VIEWER, { key: browser.secret, headers: { origin: 'https://evil.example.com' } }), 403, 'ORIGIN_NOT_ALLOWED');
  expectRefused(await server.graphql(VIEWER, { key: fenced.secret }), 403, 'IP_NOT_ALLOWED');

  // A client that pastes its key into the URL: the request line is logged, the key must not be.
  await fetch(`${server.url}?query=${encodeURIComponent(VIEWER)}&api_key=${partner.secret}`, { headers: { 'apollo-require-preflight': 'true' } });

  // Faults: masked for the client, logged in full for the operator.
  jest.spyOn(server.app.services.products, 'list').mockRejectedValueOnce(new Error('simulated database fault'));
  const fault = await server.graphql('{ products { edges { cursor } } }', { key: partner.secret });
  expect(fault.status).toBe(500);
  expect(fault.body.errors?.[0]?.message).toBe('Internal server error');
  const fresh = known((await server.mintKey({ scopes: ['products:read'] })).secret);
  jest.spyOn(server.app.services.repos.apiKeys, 'findBySecretHash').mockRejectedValueOnce(new Error('simulated lookup fault'));
  expect((await server.graphql(VIEWER, { key: fresh })).status).toBe(500);

  // Rolled: both secrets work during the grace period.
  const rolled = await server.graphql(ROLL, { key: admin, variables: { id: partner.id } });
  expect(rolled.body.errors).toBeUndefined();
  const next = known(rolled.body.data?.rollApiKey.secret);
  expect((await server.graphql(VIEWER, { key: next })).status).toBe(200);
  expect((await server.graphql(VIEWER, { key: partner.secret })).status).toBe(200);

  // Revoked, refused, deleted.
  expect((await server.graphql(REVOKE, { key: admin, variables: { id: partner.id } })).body.errors).toBeUndefined();
  expectRefused(await server.graphql(VIEWER, { key: next }), 401, 'KEY_REVOKED');
  expect((await server.graphql(DELETE, { key: admin, variables: { id: partner.id } })).body.errors).toBeUndefined();
  expectRefused(await server.graphql(VIEWER, { key: next }), 401, 'UNAUTHENTICATED');

  await server.app.services.requestLogs.flush();
  const output = server.logOutput();
  // The capture works and saw the run: requests at trace level, both faults with their details.
  // One access log line per request (src/http/access-log.ts), with the key's prefix only.
  expect(output).toContain('request completed');
  expect(output).toContain('"keyPrefix"');
  expect(output).toContain('simulated database fault');
  expect(output).toContain('simulated lookup fault');
  expect(output).toContain('api_key=');

  expect(output).not.toMatch(KEY_SHAPE);
  for (const secret of secrets) {
    expect(output).not.toContain(secret);
    // Nor the secret part without its well-known prefix.
    expect(output).not.toContain(secret.slice('sk_live_'.length));
  }
  expect(output).not.toMatch(/(bearer|basic)\s+\S{12,}/i);

  const rows = JSON.stringify(await server.db.dataSource.getRepository(RequestLog).find());
  expect(rows).not.toMatch(KEY_SHAPE);
  expect(rows).not.toMatch(/bearer|authorization/i);
});
