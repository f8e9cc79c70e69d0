import { createHash } from 'node:crypto';
import catalog from '../../schema/scope-catalog.json';
import { ApiKey, ApiKeySecret } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import type { GraphQLBody } from '../support/server';
import { gid, startServerWithAdmin, type KeyServer } from './key-fixtures';

const KEY_FIELDS = 'id name prefix type status scopes bundles effectiveScopes createdAt expiresAt ipAllowlist createdBy { id }';
const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { ${KEY_FIELDS} } } }`;
const REVOKE = `mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id status } } }`;
const LIST = `query ($first: Int, $after: String, $status: ApiKeyStatus) {
  apiKeys(first: $first, after: $after, status: $status) {
    edges { cursor node { ${KEY_FIELDS} } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
const NON_ADMIN = catalog.scopes.map((s) => s.name).filter((s) => s !== 'admin');

let server: KeyServer, admin: string, adminId: number;
beforeAll(async () => ({ server, admin, adminId } = await startServerWithAdmin()));
afterAll(() => server.close());

const create = (key: string, input: Record<string, unknown>) => server.graphql(CREATE, { key, variables: { input } });
const list = (key: string, variables: Record<string, unknown> = {}) => server.graphql(LIST, { key, variables });
const rowCounts = async () => ({
  keys: await server.db.dataSource.getRepository(ApiKey).count(),
  secrets: await server.db.dataSource.getRepository(ApiKeySecret).count(),
});
const ids = (body: GraphQLBody): string[] => body.data!.apiKeys.edges.map((e: any) => e.node.id);
const onlyError = (body: GraphQLBody) => {
  expect(body.errors).toHaveLength(1);
  return body.errors![0]!;
};

describe('createApiKey', () => {
  it('returns the secret once, in the documented shape, and the secret works', async () => {
    const res = await create(admin, { name: 'partner', scopes: ['bookings:read'] });
    expect(res.body.errors).toBeUndefined();
    const { secret, apiKey } = res.body.data!.createApiKey;
    expect(secret).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
    expect(apiKey).toMatchObject({ name: 'partner', type: 'SECRET', status: 'ACTIVE', prefix: secret.slice(0, 12), scopes: ['bookings:read'] });

    const me = await server.graphql('{ viewer { effectiveScopes account { name } } }', { key: secret });
    expect(me.status).toBe(200);
    expect(me.body.data!.viewer).toEqual({ effectiveScopes: ['bookings:read'], account: { name: 'acme' } });
  });

  it('never shows the secret again and stores only its SHA-256', async () => {
    const { secret, apiKey } = (await create(admin, { name: 'hidden', scopes: ['products:read'] })).body.data!.createApiKey;
    const hidden = secret.slice(12); // everything after the displayed prefix

    const listed = await list(admin, { first: 100 });
    const text = JSON.stringify(listed.body);
    expect(text).toContain(apiKey.prefix);
    expect(text).not.toContain(hidden);
    const node = await server.graphql(`query ($id: ID!) { node(id: $id) { ... on ApiKey { ${KEY_FIELDS} } } }`, { key: admin, variables: { id: apiKey.id } });
    expect(node.body.data!.node.prefix).toBe(secret.slice(0, 12));
    expect(JSON.stringify(node.body)).not.toContain(hidden);

    const stored = await server.db.dataSource.getRepository(ApiKeySecret).findOneByOrFail({ keyHash: createHash('sha256').update(secret).digest('hex') });
    expect(toGlobalId('ApiKey', stored.apiKeyId)).toBe(apiKey.id);
    for (const table of ['api_key', 'api_key_secret']) {
      const rows = JSON.stringify(await server.db.dataSource.query(`SELECT * FROM ${table}`));
      expect(rows).not.toContain(hidden);
    }
  });

  it('records the calling key as createdBy; an operator-minted key has none', async () => {
    const { apiKey } = (await create(admin, { name: 'child', scopes: ['products:read'] })).body.data!.createApiKey;
    expect(apiKey.createdBy).toEqual({ id: gid(adminId) });
    const root = await server.graphql('{ viewer { apiKey { id createdBy { id } } } }', { key: admin });
    expect(root.body.data!.viewer.apiKey).toEqual({ id: gid(adminId), createdBy: null });
  });

  it('makes a publishable key from the booking_widget bundle', async () => {
    const res = await create(admin, { name: 'widget', type: 'PUBLISHABLE', bundles: ['booking_widget'], allowedOrigins: ['https://shop.example.com'] });
    expect(res.body.errors).toBeUndefined();
    const { secret, apiKey } = res.body.data!.createApiKey;
    expect(secret).toMatch(/^pk_live_[0-9A-Za-z]{38}$/);
    expect(apiKey).toMatchObject({ type: 'PUBLISHABLE', bundles: ['booking_widget'], effectiveScopes: ['products:read'] });
  });

  const past = new Date(Date.now() - 60_000).toISOString();
  it.each<[string, Record<string, unknown>, string, (e: any) => void]>([
    ['an empty name', { name: '   ', scopes: ['products:read'] }, 'name', () => undefined],
    ['an unknown scope, with suggestions', { name: 'x', scopes: ['bookings:reed'] }, 'scopes', (e) => {
      expect(e.extensions.suggestions['bookings:reed']).toContain('bookings:read');
      expect(e.message).toContain('bookings:read');
    }],
    ['an unknown bundle', { name: 'x', bundles: ['read_everything'] }, 'bundles', (e) => expect(e.message).toContain('read_everything')],
    ['an expiry in the past', { name: 'x', scopes: ['products:read'], expiresAt: past }, 'expiresAt', () => undefined],
    ['a bad ipAllowlist entry', { name: 'x', scopes: ['products:read'], ipAllowlist: ['10.0.0.1', '10.0.0.0/33'] }, 'ipAllowlist', (e) =>
      expect(e.extensions.invalid).toEqual(['10.0.0.0/33'])],
    ['allowedOrigins on a secret key', { name: 'x', scopes: ['products:read'], allowedOrigins: ['https://shop.example.com'] }, 'allowedOrigins', () => undefined],
    ['a publishable key with a write scope', { name: 'x', type: 'PUBLISHABLE', scopes: ['products:read', 'products:write'] }, 'scopes', (e) =>
      expect(e.message).toContain('products:write')],
  ])('refuses %s with BAD_USER_INPUT naming the field and writes nothing', async (_label, input, field, extra) => {
    const before = await rowCounts();
    const res = await create(admin, input);
    const error = onlyError(res.body);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    extra(error);
    expect(res.body.data?.createApiKey ?? null).toBeNull();
    expect(await rowCounts()).toEqual(before);
  });
});

describe('no escalation (contract section 4)', () => {
  let limited: string;
  let fullAccessId: string;
  beforeAll(async () => {
    ({ secret: limited } = await server.mintKey({ name: 'limited', scopes: ['keys:write', 'products:read'] }));
    const policies = await server.graphql('{ scopePolicies { id name builtIn } }', { key: admin });
    fullAccessId = policies.body.data!.scopePolicies.find((p: any) => p.name === 'Full access' && p.builtIn).id;
  });

  it('lets a key grant what it holds', async () => {
    const res = await create(limited, { name: 'sub', scopes: ['products:read'] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.createApiKey.apiKey.effectiveScopes).toEqual(['products:read']);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a scope it lacks', { scopes: ['customers:read'] }, ['customers:read']],
    ['a bundle holding scopes it lacks', { bundles: ['accounting_sync'] }, ['customers:read', 'bookings:read', 'reports:read']],
    ['admin', { scopes: ['admin'] }, ['admin']],
  ])('refuses to grant %s: SCOPE_REQUIRED, nothing written', async (_label, input, missing) => {
    const before = await rowCounts();
    const error = onlyError((await create(limited, { name: 'sub', ...input })).body);
    expect(error.extensions!.code).toBe('SCOPE_REQUIRED');
    expect(error.extensions!.missingScopes).toEqual(expect.arrayContaining(missing));
    expect(error.extensions!.missingScopes).not.toContain('products:read');
    expect(await rowCounts()).toEqual(before);
  });

  it('says exactly which scope is missing', async () => {
    const error = onlyError((await create(limited, { name: 'sub', scopes: ['products:read', 'customers:read'] })).body);
    expect(error.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:read'] });
  });

  it('only admin grants admin: a key holding every other scope cannot', async () => {
    const { secret: everything } = await server.mintKey({ name: 'everything', bundles: ['full'] });
    expect(onlyError((await create(everything, { name: 'a', scopes: ['admin'] })).body).extensions!.code).toBe('SCOPE_REQUIRED');
    const res = await create(admin, { name: 'second admin', scopes: ['admin'] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.createApiKey.apiKey.effectiveScopes).toContain('admin');
  });

  it('a non-admin key cannot grant the built-in Full access policy; an admin can', async () => {
    const before = await rowCounts();
    expect(onlyError((await create(limited, { name: 'f', policyIds: [fullAccessId] })).body).extensions!.code).toBe('SCOPE_REQUIRED');
    expect(await rowCounts()).toEqual(before);

    const res = await create(admin, { name: 'full access', policyIds: [fullAccessId] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.createApiKey.apiKey.effectiveScopes).toEqual(NON_ADMIN);
  });
});

describe('revokeApiKey', () => {
  it('revokes at once: the very next request with the key fails KEY_REVOKED; revoking again is fine', async () => {
    const target = await server.mintKey({ name: 'to revoke', scopes: ['products:read'] });
    expect((await server.graphql('{ viewer { effectiveScopes } }', { key: target.secret })).status).toBe(200); // now cached

    const res = await server.graphql(REVOKE, { key: admin, variables: { id: gid(target.id) } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.revokeApiKey.apiKey).toEqual({ id: gid(target.id), status: 'REVOKED' });

    const next = await server.graphql('{ viewer { effectiveScopes } }', { key: target.secret });
    expect(next.status).toBe(401);
    expect(next.body.errors?.[0]?.extensions?.code).toBe('KEY_REVOKED');

    const again = await server.graphql(REVOKE, { key: admin, variables: { id: gid(target.id) } });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!.revokeApiKey.apiKey.status).toBe('REVOKED');
  });

  it('a non-admin key cannot revoke an admin key', async () => {
    const { secret: limited } = await server.mintKey({ name: 'limited revoker', scopes: ['keys:write'] });
    const target = await server.mintKey({ name: 'admin target', scopes: ['admin'] });
    const error = onlyError((await server.graphql(REVOKE, { key: limited, variables: { id: gid(target.id) } })).body);
    expect(error.extensions).toMatchObject({ code: 'SCOPE_REQUIRED' });
    expect(error.extensions!.missingScopes).toContain('admin');

    const still = await server.graphql(`query ($id: ID!) { node(id: $id) { ... on ApiKey { status } } }`, { key: admin, variables: { id: gid(target.id) } });
    expect(still.body.data!.node.status).toBe('ACTIVE');
    expect((await server.graphql('{ viewer { effectiveScopes } }', { key: target.secret })).status).toBe(200);
  });
});

describe('account isolation', () => {
  it('a key of another account cannot see, find or revoke this account’s keys', async () => {
    const victim = await server.mintKey({ name: 'victim', scopes: ['products:read'] });
    const outsider = await server.mintKey({ account: 'globex', name: 'outsider', scopes: ['admin'] });

    const revoke = onlyError((await server.graphql(REVOKE, { key: outsider.secret, variables: { id: gid(victim.id) } })).body);
    expect(revoke.extensions!.code).toBe('NOT_FOUND');
    const unknown = onlyError((await server.graphql(REVOKE, { key: outsider.secret, variables: { id: gid(999_999) } })).body);
    expect(revoke.message).toBe(unknown.message); // indistinguishable from an id that does not exist
    expect((await server.graphql('{ viewer { effectiveScopes } }', { key: victim.secret })).status).toBe(200);

    expect(ids((await list(outsider.secret, { first: 100 })).body)).toEqual([gid(outsider.id)]);

    const node = await server.graphql(`query ($id: ID!) { node(id: $id) { id } }`, { key: outsider.secret, variables: { id: gid(victim.id) } });
    expect(node.body.errors).toBeUndefined();
    expect(node.body.data!.node).toBeNull();
  });
});

describe('apiKeys connection', () => {
  let key: string;
  let minted: number[]; // oldest first
  beforeAll(async () => {
    const first = await server.mintKey({ account: 'paging', name: 'pager', scopes: ['keys:read'] });
    key = first.secret;
    minted = [first.id];
    for (let i = 0; i < 24; i++) minted.push((await server.mintKey({ account: 'paging', name: `k${i}`, scopes: ['products:read'] })).id);
  });
  const newestFirst = () => [...minted].reverse().map(gid);

  it('lists newest first, 20 by default', async () => {
    const res = await list(key);
    expect(ids(res.body)).toEqual(newestFirst().slice(0, 20));
    expect(res.body.data!.apiKeys.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('refuses first: 101 with BAD_USER_INPUT naming first', async () => {
    const error = onlyError((await list(key, { first: 101 })).body);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(error.message).toContain('first');
  });

  it('refuses an after that is not one of its cursors', async () => {
    const error = onlyError((await list(key, { after: 'bm90LWEtY3Vyc29y' })).body);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('pages with after without gaps or duplicates while a key is inserted between fetches', async () => {
    const expected = newestFirst();
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; ; page++) {
      const res = await list(key, { first: 10, after });
      expect(res.body.errors).toBeUndefined();
      seen.push(...ids(res.body));
      const { hasNextPage, endCursor } = res.body.data!.apiKeys.pageInfo;
      if (page === 0) minted.push((await server.mintKey({ account: 'paging', name: 'late', scopes: ['products:read'] })).id);
      if (!hasNextPage) break;
      after = endCursor;
    }
    expect(seen).toEqual(expected);
    expect(ids((await list(key, { first: 1 })).body)).toEqual([gid(minted.at(-1)!)]);
  });

  it('filters by status', async () => {
    const [revoked, expired] = [minted[1]!, minted[2]!];
    await server.app.services.keys.revoke({ kind: 'operator', accountId: (await server.account('paging')).id }, revoked);
    // The API refuses a past expiresAt, so age the row directly.
    await server.db.dataSource.getRepository(ApiKey).update(expired, { expiresAt: new Date(Date.now() - 1000) });

    const byStatus = async (status: string) => {
      const res = await list(key, { first: 100, status });
      expect(res.body.data!.apiKeys.edges.every((e: any) => e.node.status === status)).toBe(true);
      return ids(res.body);
    };
    expect(await byStatus('REVOKED')).toEqual([gid(revoked)]);
    expect(await byStatus('EXPIRED')).toEqual([gid(expired)]);
    expect(await byStatus('ACTIVE')).toEqual(newestFirst().filter((id) => id !== gid(revoked) && id !== gid(expired)));
  });
});

describe('scope catalog queries', () => {
  it('scopes returns the whole catalog grouped in category order', async () => {
    const res = await server.graphql('{ scopes { name description category } }', { key: admin });
    const scopes: { name: string; category: string }[] = res.body.data!.scopes;
    expect(scopes.map((s) => s.name).sort()).toEqual(catalog.scopes.map((s) => s.name).sort());
    const categoryOrder = scopes.map((s) => catalog.categories.indexOf(s.category));
    expect(categoryOrder).toEqual([...categoryOrder].sort((a, b) => a - b));
    expect(scopes.find((s) => s.name === 'bookings:read')).toMatchObject({ category: 'Bookings' });
  });

  it('scopeBundles lists the documented bundles with their scopes', async () => {
    const res = await server.graphql('{ scopeBundles { name description scopes } }', { key: admin });
    const bundles: { name: string; scopes: string[] }[] = res.body.data!.scopeBundles;
    expect(bundles.map((b) => b.name)).toEqual(expect.arrayContaining(['read_only', 'booking_widget', 'accounting_sync', 'full']));
    expect(bundles.find((b) => b.name === 'booking_widget')!.scopes).toEqual(['products:read']);
  });
});
