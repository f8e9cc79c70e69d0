/**
 * HTTP behaviour around the GraphQL layer (contract §3, §6): health, masked
 * unexpected errors with a request id, statuses of requests that never run,
 * and GET for queries.
 */
import { ScopePolicy } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { graphqlGet, onlyError, type Response } from './helpers';

const SQL = 'SELECT secret FROM x';
const VIEWER = '{ viewer { account { name } } }';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.mintKey({ scopes: ['admin'] })).secret;
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => server.close());

const healthz = async (s: TestServer) => {
  const response = await fetch(s.url.replace(/\/graphql$/, '/healthz'));
  return { status: response.status, body: await response.json() };
};

describe('/healthz', () => {
  it('200 while the database answers', async () => {
    expect(await healthz(server)).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
  });

  it('503 once the database is gone', async () => {
    const other = await startTestServer();
    try {
      expect((await healthz(other)).status).toBe(200);
      await other.db.dataSource.destroy();
      expect(await healthz(other)).toEqual({ status: 503, body: expect.objectContaining({ status: 'unavailable' }) });
    } finally {
      await other.close();
    }
  });
});

describe('unexpected errors are masked', () => {
  function expectMasked(res: Response, path?: string[]) {
    const error = onlyError(res);
    expect(error.message).toBe('Internal server error');
    expect(error.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.path).toEqual(path);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.extensions?.requestId).toBe(requestId);
    expect(JSON.stringify(res.body)).not.toContain(SQL);
    expect(JSON.stringify(res.body)).not.toContain('stacktrace');
  }

  it('a failing non-null root field: data null, 500', async () => {
    jest.spyOn(server.app.services.repos.policies, 'listVisible').mockRejectedValue(new Error(SQL));
    const res = await server.graphql('{ scopePolicies { name } }', { key: admin });
    expect(res.status).toBe(500);
    expect(res.body.data).toBeNull();
    expectMasked(res, ['scopePolicies']);
  });

  it('a failing nullable field beside other data: 200 with the rest', async () => {
    const policy = await server.db.dataSource.getRepository(ScopePolicy).findOneByOrFail({ name: 'Full access' });
    jest.spyOn(server.app.services.repos.policies, 'findVisibleByIds').mockRejectedValue(new Error(SQL));
    const res = await server.graphql('query ($id: ID!) { viewer { account { name } } node(id: $id) { id } }', {
      key: admin,
      variables: { id: toGlobalId('ScopePolicy', policy.id) },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ viewer: { account: { name: 'acme' } }, node: null });
    expectMasked(res, ['node']);
  });

  it('a fault while authenticating (database down): 500, masked, with a request id', async () => {
    jest.spyOn(server.app.services.repos.apiKeys, 'findBySecretHash').mockRejectedValue(new Error(SQL));
    // A key this server has not cached yet, so it must be looked up.
    const { secret } = await server.mintKey({ scopes: ['products:read'] });
    const res = await server.graphql(VIEWER, { key: secret });
    expect(res.status).toBe(500);
    expect(res.body).not.toHaveProperty('data');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expectMasked(res, undefined);
  });

  it('request ids differ per request', async () => {
    const [a, b] = await Promise.all([server.graphql(VIEWER, { key: admin }), server.graphql(VIEWER, { key: admin })]);
    expect(a.headers.get('x-request-id')).toBeTruthy();
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('operations that never execute: 400', () => {
  it.each<[string, string, Record<string, unknown> | undefined, string]>([
    ['a syntax error', '{ viewer { ', undefined, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', '{ viewer { password } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a variable of the wrong type', 'query ($n: Int) { apiKeys(first: $n) { edges { cursor } } }', { n: 'ten' }, 'BAD_USER_INPUT'],
  ])('%s', async (_case, query, variables, code) => {
    const res = await server.graphql(query, { key: admin, variables });
    expect(res.status).toBe(400);
    expect(onlyError(res).extensions?.code).toBe(code);
    expect(res.body).not.toHaveProperty('data');
  });

  it('an error quoting a huge input quotes only its start, and still says why', async () => {
    const huge = 'x'.repeat(500_000);
    const res = await server.graphql('query ($n: Int) { apiKeys(first: $n) { edges { cursor } } }', { key: admin, variables: { n: huge } });
    expect(res.status).toBe(400);
    const error = onlyError(res);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/^Variable "\$n" got invalid value "xxx/);
    expect(error.message.length).toBeLessThan(1_100);
    expect(error.message).toBe(
      `Variable "$n" got invalid value "${'x'.repeat(100)}…" (499900 more characters); Int cannot represent non-integer value: "${'x'.repeat(100)}…" (499900 more characters)`,
    );
  });

  it('bad input found while executing keeps 200', async () => {
    const res = await server.graphql('{ apiKeys(first: 1000) { edges { cursor } } }', { key: admin });
    expect(res.status).toBe(200);
    expect(onlyError(res)).toMatchObject({ path: ['apiKeys'], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('a request is authenticated before its query is even parsed', async () => {
    const res = await server.graphql('{ viewer { ');
    expect(res.status).toBe(401);
    expect(onlyError(res).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /graphql', () => {
  // Apollo's CSRF prevention: a GET must show it is not a simple (form or <img>)
  // request, with apollo-require-preflight / x-apollo-operation-name or a JSON content-type.
  it.each([
    ['apollo-require-preflight: true', { 'apollo-require-preflight': 'true' }],
    ['x-apollo-operation-name', { 'x-apollo-operation-name': 'Viewer' }],
    ['content-type: application/json', { 'content-type': 'application/json' }],
  ])('serves a query with %s', async (_case, headers) => {
    const res = await graphqlGet(server, VIEWER, { authorization: `Bearer ${admin}`, ...headers });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { viewer: { account: { name: 'acme' } } } });
    expect(res.headers.get('x-scopes')).toContain('admin');
    // The answer is the key's own: no cache, shared or the browser's, may serve it again.
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a GET that a browser could send cross-site: 400 BAD_REQUEST, nothing runs', async () => {
    const res = await graphqlGet(server, VIEWER, { authorization: `Bearer ${admin}` });
    expect(res.status).toBe(400);
    expect(onlyError(res).extensions?.code).toBe('BAD_REQUEST');
    expect(res.body).not.toHaveProperty('data');
  });

  it('still needs a key', async () => {
    const res = await graphqlGet(server, VIEWER, { 'apollo-require-preflight': 'true' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('never runs a mutation: 405', async () => {
    const res = await graphqlGet(server, 'mutation { revokeApiKey(input: { id: "x" }) { apiKey { id } } }', {
      authorization: `Bearer ${admin}`,
      'apollo-require-preflight': 'true',
    });
    expect(res.status).toBe(405);
    expect(res.body).not.toHaveProperty('data');
  });
});
