import { AuditEntry } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { onlyError, policyApi } from './policies-helpers';

/** Issue 5 item 8: every key and policy change is in the audit trail, listed by target and by actor. */
let server: TestServer;
let api: ReturnType<typeof policyApi>;
let admin: { id: number; secret: string };
let auditor: string; // audit:read and keys:read

beforeAll(async () => {
  server = await startTestServer();
  api = policyApi(server);
  admin = await server.mintKey({ name: 'root', scopes: ['admin'] });
  ({ secret: auditor } = await server.mintKey({ name: 'auditor', scopes: ['audit:read', 'keys:read'] }));
});
afterAll(() => server.close());

const ENTRY = 'id action targetType targetId actorId actor { id name } at changes';
const LIST = `query ($first: Int, $after: String, $targetId: ID, $actorId: ID) {
  auditEntries(first: $first, after: $after, targetId: $targetId, actorId: $actorId) {
    edges { cursor node { ${ENTRY} } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
const CREATE_KEY = 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id prefix } } }';
const REVOKE_KEY = 'mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } } }';

async function entries(variables: Record<string, unknown>, key = auditor) {
  const res = await server.graphql(LIST, { key, variables: { first: 100, ...variables } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.auditEntries.edges.map((e: any) => e.node);
}
const keyGid = (id: number) => toGlobalId('ApiKey', id);
const entryCount = () => server.db.dataSource.getRepository(AuditEntry).count();

it('records a policy’s create, update and delete with actor, target, time and changes, newest first', async () => {
  const started = Date.now();
  const policy = await api.created(admin.secret, { name: 'Partner', mode: 'ALLOW', scopes: ['products:read'] });
  expect((await api.update(admin.secret, { id: policy.id, name: 'Partner v2', scopes: ['products:read', 'bookings:read'] })).body.errors).toBeUndefined();
  expect((await api.delete(admin.secret, { id: policy.id })).body.errors).toBeUndefined();

  const trail = await entries({ targetId: policy.id });
  expect(trail.map((e: any) => e.action)).toEqual(['scope_policy.deleted', 'scope_policy.updated', 'scope_policy.created']);
  for (const entry of trail) {
    expect(entry).toMatchObject({ targetType: 'ScopePolicy', targetId: policy.id, actorId: keyGid(admin.id), actor: { id: keyGid(admin.id), name: 'root' } });
    expect(new Date(entry.at).getTime()).toBeGreaterThanOrEqual(started - 1000);
  }
  const [deleted, updated, created] = trail;
  expect(created.changes).toEqual({ name: 'Partner', mode: 'ALLOW', scopes: ['products:read'] });
  expect(updated.changes).toEqual({
    name: { from: 'Partner', to: 'Partner v2' },
    scopes: { from: ['products:read'], to: ['products:read', 'bookings:read'] },
  });
  expect(deleted.changes).toEqual({ name: 'Partner v2', mode: 'ALLOW', scopes: ['products:read', 'bookings:read'], detachedFrom: [] });
});

it('a refused change records nothing; an update that changes nothing records nothing', async () => {
  const policy = await api.created(admin.secret, { name: 'Stable', mode: 'ALLOW', scopes: ['products:read'] });
  const before = await entryCount();
  expect((await api.create(admin.secret, { name: 'Stable', mode: 'ALLOW', scopes: ['products:read'] })).body.errors).toBeDefined();
  expect((await api.update(admin.secret, { id: policy.id, scopes: ['nope:read'] })).body.errors).toBeDefined();
  expect((await api.update(admin.secret, { id: policy.id, name: 'Stable', scopes: ['products:read'] })).body.errors).toBeUndefined();
  expect(await entryCount()).toBe(before);
});

it('lists the api_key.* entries of the key mutations too, never with a secret', async () => {
  const created = await server.graphql(CREATE_KEY, { key: admin.secret, variables: { input: { name: 'audited', scopes: ['products:read'] } } });
  expect(created.body.errors).toBeUndefined();
  const { secret, apiKey } = created.body.data!.createApiKey;
  expect((await server.graphql(REVOKE_KEY, { key: admin.secret, variables: { id: apiKey.id } })).body.errors).toBeUndefined();

  const trail = await entries({ targetId: apiKey.id });
  expect(trail.map((e: any) => e.action)).toEqual(['api_key.revoked', 'api_key.created']);
  expect(trail.every((e: any) => e.targetType === 'ApiKey' && e.targetId === apiKey.id && e.actorId === keyGid(admin.id))).toBe(true);
  expect(trail[1].changes).toMatchObject({ name: 'audited', prefix: apiKey.prefix, scopes: ['products:read'] });
  expect(JSON.stringify(await entries({}))).not.toContain(secret.slice(12));
});

it('a forced delete also shows on the trail of every key it detached the policy from', async () => {
  const policy = await api.created(admin.secret, { name: 'Detached', mode: 'ALLOW', scopes: ['bookings:read'] });
  const holder = await api.keyWith([policy.id]);
  expect((await api.delete(admin.secret, { id: policy.id, force: true })).body.errors).toBeUndefined();
  const [entry] = await entries({ targetId: keyGid(holder.id) });
  expect(entry).toMatchObject({ action: 'api_key.updated', actorId: keyGid(admin.id) });
  expect(entry.changes.policyIds.to).toEqual([]);
  const [deleted] = await entries({ targetId: policy.id });
  expect(deleted.changes.detachedFrom).toHaveLength(1);
});

it('filters by actor, and by actor and target together', async () => {
  const other = await server.mintKey({ name: 'delegate', scopes: ['keys:write', 'customers:read'] });
  const policy = await api.created(other.secret, { name: 'Delegated', mode: 'ALLOW', scopes: ['customers:read'] });
  const byOther = await entries({ actorId: keyGid(other.id) });
  expect(byOther.map((e: any) => [e.action, e.targetId])).toEqual([['scope_policy.created', policy.id]]);
  expect(await entries({ actorId: keyGid(admin.id), targetId: policy.id })).toEqual([]);
  expect((await entries({ actorId: keyGid(admin.id) })).every((e: any) => e.actorId === keyGid(admin.id))).toBe(true);
});

it('an operator’s change has no actor', async () => {
  const accountId = (await server.account('acme')).id;
  const policy = await server.app.services.policies.create({ kind: 'operator', accountId }, { name: 'By hand', mode: 'ALLOW', scopes: ['products:read'] });
  const [entry] = await entries({ targetId: toGlobalId('ScopePolicy', policy.id) });
  expect(entry).toMatchObject({ action: 'scope_policy.created', actorId: null, actor: null });
});

it('pages newest first without gaps or duplicates', async () => {
  const all = (await entries({})).map((e: any) => e.id);
  expect(all.length).toBeGreaterThan(5);
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await server.graphql(LIST, { key: auditor, variables: { first: 2, after } });
    const page = res.body.data!.auditEntries;
    seen.push(...page.edges.map((e: any) => e.node.id));
    expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  expect(seen).toEqual(all);
  const ats = (await entries({})).map((e: any) => Date.parse(e.at));
  expect(ats).toEqual([...ats].sort((a, b) => b - a));
});

describe('scopes', () => {
  it('needs audit:read: SCOPE_REQUIRED, 403', async () => {
    const { secret } = await server.mintKey({ scopes: ['keys:write'] });
    const res = await server.graphql(LIST, { key: secret });
    expect(res.status).toBe(403);
    expect(onlyError(res.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['audit:read'] });
  });

  it('actor is an ApiKey and needs keys:read; the rest of the entry does not', async () => {
    const { secret } = await server.mintKey({ scopes: ['audit:read'] });
    const res = await server.graphql('{ auditEntries(first: 3) { edges { node { action actorId actor { id } } } } }', { key: secret });
    expect(res.status).toBe(200);
    const nodes = res.body.data!.auditEntries.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n: any) => n.actor === null && typeof n.action === 'string')).toBe(true);
    expect(res.body.errors!.map((e) => e.path)).toEqual([0, 1, 2].map((i) => ['auditEntries', 'edges', i, 'node', 'actor']));
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['keys:read'] });
  });
});

describe('filters', () => {
  it.each([
    ['targetId', toGlobalId('Product', 1)],
    ['targetId', 'garbage'],
    ['actorId', toGlobalId('ScopePolicy', 1)],
  ])('refuses %s %s that is not an id it takes, with BAD_USER_INPUT naming it', async (field, id) => {
    const res = await server.graphql(LIST, { key: auditor, variables: { [field]: id } });
    expect(onlyError(res.body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses first over 100', async () => {
    expect(onlyError((await server.graphql(LIST, { key: auditor, variables: { first: 101 } })).body).extensions).toMatchObject({ field: 'first' });
  });
});

it('never crosses accounts: lists, filters and node(id)', async () => {
  const outsider = await server.mintKey({ account: 'globex', name: 'outsider', scopes: ['admin'] });
  const acmeEntries = await entries({});
  const theirs = await api.created(outsider.secret, { name: 'Globex policy', mode: 'ALLOW', scopes: ['products:read'] });

  const seen = await entries({}, outsider.secret);
  expect(seen.map((e: any) => e.targetId)).toEqual([theirs.id, keyGid(outsider.id)]); // and the operator minting its key
  expect(await entries({ actorId: keyGid(admin.id) }, outsider.secret)).toEqual([]);
  expect(await entries({ targetId: acmeEntries[0].targetId }, outsider.secret)).toEqual([]);

  const NODE = 'query ($id: ID!) { node(id: $id) { ... on AuditEntry { action } } }';
  expect((await server.graphql(NODE, { key: outsider.secret, variables: { id: acmeEntries[0].id } })).body).toEqual({ data: { node: null } });
  const mine = await server.graphql(NODE, { key: auditor, variables: { id: acmeEntries[0].id } });
  expect(mine.body).toEqual({ data: { node: { action: acmeEntries[0].action } } });
});
