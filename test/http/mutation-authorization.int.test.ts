import { ScopePolicy } from '../../src/db/entities';
import { startTestServer, type TestServer } from '../support/server';
import { keyRowCounts } from './helpers';

// Contract section 2: a mutation is authorized as a whole before anything runs.
let server: TestServer;
let writerWhoCannotRead: string;

beforeAll(async () => {
  server = await startTestServer();
  const { id: accountId } = await server.account();
  // A DENY policy takes keys:read away while the key's own keys:write stays:
  // it may create keys but not read them back.
  const policy = await server.db.dataSource
    .getRepository(ScopePolicy)
    .save({ accountId, name: 'No key reading', mode: 'DENY' as const, scopes: ['keys:read'], builtIn: false });
  ({ secret: writerWhoCannotRead } = await server.mintKey({ scopes: ['keys:write'], policyIds: [policy.id] }));
});
afterAll(() => server.close());

describe('a mutation whose selection reaches a denied field', () => {
  it('runs nothing, writes nothing and reports every denied path with 403', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql('mutation { createApiKey(input: { name: "x1" }) { apiKey { name prefix } secret } }', {
      key: writerWhoCannotRead,
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="keys:read"');
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.missingScopes])).toEqual([
      ['createApiKey.apiKey.name', 'SCOPE_REQUIRED', ['keys:read']],
      ['createApiKey.apiKey.prefix', 'SCOPE_REQUIRED', ['keys:read']],
    ]);
    expect(await keyRowCounts(server)).toEqual(before);
  });

  it('follows fragments to find the denied field', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql(
      'mutation { createApiKey(input: { name: "x2" }) { ...Made } } fragment Made on CreateApiKeyPayload { secret ... on CreateApiKeyPayload { apiKey { id } } }',
      { key: writerWhoCannotRead },
    );
    expect(res.status).toBe(403);
    expect(res.body.errors?.map((e) => e.path?.join('.'))).toEqual(['createApiKey.apiKey.id']);
    expect(await keyRowCounts(server)).toEqual(before);
  });

  it('runs when the selection avoids what the key may not read (control)', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql('mutation { createApiKey(input: { name: "x3" }) { secret } }', { key: writerWhoCannotRead });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.createApiKey.secret).toMatch(/^sk_live_/);
    expect(await keyRowCounts(server)).toEqual({ keys: before.keys + 1, secrets: before.secrets + 1 });
  });

  it('honours @include with variables when deciding', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql(
      'mutation($withKey: Boolean!) { createApiKey(input: { name: "x4" }) { secret apiKey @include(if: $withKey) { name } } }',
      { key: writerWhoCannotRead, variables: { withKey: false } },
    );
    expect(res.status).toBe(200);
    expect(await keyRowCounts(server)).toEqual({ keys: before.keys + 1, secrets: before.secrets + 1 });
  });
});
