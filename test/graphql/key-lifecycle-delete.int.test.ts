import { ApiKey, ApiKeySecret, AuditEntry, RequestLog } from '../../src/db/entities';
import { parseGlobalId } from '../../src/global-id';
import { expectRefused, onlyError } from '../http/helpers';
import { gid, startServerWithAdmin, type KeyServer } from './key-fixtures';

const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name } } }`;
const DELETE = `mutation ($id: ID!) { deleteApiKey(input: { id: $id }) { deletedId } }`;
const REVOKE = `mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { status } } }`;
const VIEWER = '{ viewer { effectiveScopes } }';

let server: KeyServer, admin: string, adminId: number;
beforeAll(async () => ({ server, admin, adminId } = await startServerWithAdmin()));
afterAll(() => server.close());

const create = (key: string, input: Record<string, unknown>) => server.graphql(CREATE, { key, variables: { input } });
const del = (key: string, id: number) => server.graphql(DELETE, { key, variables: { id: gid(id) } });
const viewer = (key: string) => server.graphql(VIEWER, { key });
const repo = <T extends object>(entity: new () => T) => server.db.dataSource.getRepository(entity);
const keyCount = () => repo(ApiKey).count();
const auditOf = (targetId: number, action: string) => repo(AuditEntry).findBy({ targetType: 'ApiKey', targetId, action });

async function logRequest(apiKeyId: number) {
  const { id: accountId } = await server.account();
  await repo(RequestLog).insert({ apiKeyId, accountId, at: new Date(), operationName: 'Probe', rootFields: ['viewer'], outcome: 'OK', durationMs: 3, clientAddress: '127.0.0.1' });
}

describe('deleteApiKey', () => {
  it('removes the key, its secrets, its policy links and its request logs; the next request is UNAUTHENTICATED', async () => {
    const readOnly = (await server.graphql('{ scopePolicies { id name } }', { key: admin })).body.data!.scopePolicies.find((p: any) => p.name === 'Read only');
    const { secret, apiKey } = (await create(admin, { name: 'doomed', scopes: ['products:read'], policyIds: [readOnly.id] })).body.data!.createApiKey;
    const id = parseGlobalId(apiKey.id)!.id;
    expect((await viewer(secret)).status).toBe(200); // now cached
    await logRequest(id);
    await logRequest(id);
    const links = () => server.db.dataSource.query(`SELECT COUNT(*) AS n FROM api_key_policy WHERE apiKeyId = ${id}`).then((rows) => Number(rows[0].n));
    expect(await links()).toBe(1);

    const res = await del(admin, id);
    expect(res.body).toEqual({ data: { deleteApiKey: { deletedId: apiKey.id } } });

    expect(await repo(ApiKey).countBy({ id })).toBe(0);
    expect(await repo(ApiKeySecret).countBy({ apiKeyId: id })).toBe(0);
    expect(await repo(RequestLog).countBy({ apiKeyId: id })).toBe(0);
    expect(await links()).toBe(0);
    expectRefused(await viewer(secret), 401, 'UNAUTHENTICATED');
  });

  it('keeps what the key was in the audit trail (api_key.deleted), without its secret', async () => {
    const key = await server.mintKey({ name: 'remembered', scopes: ['bookings:read'] });
    await del(admin, key.id);
    const [entry] = await auditOf(key.id, 'api_key.deleted');
    expect(entry).toMatchObject({
      actorKeyId: adminId,
      changes: { name: 'remembered', type: 'SECRET', prefix: key.secret.slice(0, 12), scopes: ['bookings:read'], bundles: [], policyIds: [] },
    });
    expect(JSON.stringify(entry)).not.toContain(key.secret.slice(12));
  });

  it('answers NOT_FOUND once the key is gone, and for a key of another account', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    await del(admin, key.id);
    expect(onlyError(await del(admin, key.id)).extensions!.code).toBe('NOT_FOUND');

    const outsider = await server.mintKey({ account: 'globex', scopes: ['admin'] });
    const victim = await server.mintKey({ scopes: ['products:read'] });
    expect(onlyError(await del(outsider.secret, victim.id)).extensions!.code).toBe('NOT_FOUND');
    expect((await viewer(victim.secret)).status).toBe(200);
  });

  it('a key cannot delete a key that holds more than it does', async () => {
    const limited = await server.mintKey({ name: 'limited deleter', scopes: ['keys:write', 'products:read'] });
    const target = await server.mintKey({ name: 'admin target', scopes: ['admin'] });
    const error = onlyError(await del(limited.secret, target.id));
    expect(error.extensions).toMatchObject({ code: 'SCOPE_REQUIRED' });
    expect(error.extensions!.missingScopes).toContain('admin');
    expect(await repo(ApiKey).countBy({ id: target.id })).toBe(1);
    expect(await auditOf(target.id, 'api_key.deleted')).toEqual([]);

    const peer = await server.mintKey({ scopes: ['products:read'] });
    expect((await del(limited.secret, peer.id)).body.errors).toBeUndefined();
  });
});

describe('revokeApiKey audit', () => {
  it('records api_key.revoked once; revoking again records nothing', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    await server.graphql(REVOKE, { key: admin, variables: { id: gid(key.id) } });
    await server.graphql(REVOKE, { key: admin, variables: { id: gid(key.id) } });
    const entries = await auditOf(key.id, 'api_key.revoked');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorKeyId: adminId, changes: { revokedAt: { from: null, to: expect.any(String) } } });
  });
});

describe('createApiKey: names and audit', () => {
  it('refuses a name another key of the account has (BAD_USER_INPUT on name), writes nothing', async () => {
    expect((await create(admin, { name: 'partner', scopes: ['products:read'] })).body.errors).toBeUndefined();
    const before = await keyCount();
    const error = onlyError(await create(admin, { name: '  partner ', scopes: ['bookings:read'] }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(error.message).toContain('"partner"');
    expect(await keyCount()).toBe(before);
  });

  it('compares names case-insensitively, on both engines', async () => {
    const error = onlyError(await create(admin, { name: 'PARTNER', scopes: ['products:read'] }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('lets another account use the same name', async () => {
    const other = await server.mintKey({ account: 'initech', name: 'initech root', scopes: ['admin'] });
    expect((await create(other.secret, { name: 'partner', scopes: ['products:read'] })).body.errors).toBeUndefined();
  });

  it('maps the unique index refusing a name (a race the first check missed) to the same error', async () => {
    const before = await keyCount();
    const check = jest.spyOn(server.app.services.repos.apiKeys, 'nameTaken').mockResolvedValue(false);
    try {
      const error = onlyError(await create(admin, { name: 'partner', scopes: ['products:read'] }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    } finally {
      check.mockRestore();
    }
    expect(await keyCount()).toBe(before);
    expect(await repo(ApiKeySecret).count()).toBe(before); // one secret per key: no orphan
  });

  it('two concurrent creates with one name: one key, one clear error', async () => {
    const results = await Promise.all([1, 2, 3].map(() => create(admin, { name: 'contended', scopes: ['products:read'] })));
    expect(results.filter((r) => r.body.errors === undefined)).toHaveLength(1);
    for (const failed of results.filter((r) => r.body.errors !== undefined)) {
      expect(onlyError(failed).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    }
    expect(await repo(ApiKey).countBy({ name: 'contended' })).toBe(1);
  });

  it('records api_key.created with the acting key and the public fields, never the secret', async () => {
    const { secret, apiKey } = (await create(admin, { name: 'audited', scopes: ['products:read'], ipAllowlist: ['10.0.0.0/8'] })).body.data!.createApiKey;
    const id = parseGlobalId(apiKey.id)!.id;
    const [entry] = await auditOf(id, 'api_key.created');
    expect(entry).toMatchObject({
      actorKeyId: adminId,
      changes: { name: 'audited', type: 'SECRET', prefix: secret.slice(0, 12), scopes: ['products:read'], ipAllowlist: ['10.0.0.0/8'], expiresAt: null },
    });
    expect(JSON.stringify(entry)).not.toContain(secret.slice(12));
    // An operator (the CLI) has no key: the entry says so with a null actor.
    const minted = await server.mintKey({ scopes: ['products:read'] });
    expect((await auditOf(minted.id, 'api_key.created'))[0]!.actorKeyId).toBeNull();
  });
});

describe('every key mutation needs keys:write', () => {
  const MUTATIONS: [string, string, (id: string) => Record<string, unknown>][] = [
    ['createApiKey', 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', () => ({ input: { name: 'nope' } })],
    ['updateApiKey', 'mutation ($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { apiKey { id } } }', (id) => ({ input: { id, name: 'nope' } })],
    ['rollApiKey', 'mutation ($input: RollApiKeyInput!) { rollApiKey(input: $input) { secret } }', (id) => ({ input: { id } })],
    ['revokeApiKey', REVOKE, (id) => ({ id })],
    ['deleteApiKey', DELETE, (id) => ({ id })],
  ];

  it.each(MUTATIONS)('%s with a keys:read key: 403 SCOPE_REQUIRED, nothing written', async (field, query, variables) => {
    const reader = await server.mintKey({ scopes: ['keys:read'] });
    const target = await server.mintKey({ scopes: [] });
    const before = { keys: await keyCount(), audit: await repo(AuditEntry).count(), target: await repo(ApiKey).findOneByOrFail({ id: target.id }) };
    const res = await server.graphql(query, { key: reader.secret, variables: variables(gid(target.id)) });
    expect(res.status).toBe(403);
    expect(onlyError(res).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['keys:write'] });
    expect(res.body.errors![0]!.path).toEqual([field]);
    expect({ keys: await keyCount(), audit: await repo(AuditEntry).count(), target: await repo(ApiKey).findOneByOrFail({ id: target.id }) }).toEqual(before);
  });
});
