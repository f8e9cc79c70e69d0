import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { NON_ADMIN, onlyError, policyApi, type PolicyView } from './policies-helpers';

/** Issue 5 item 3 (and item 4 for policies): create, update, validation, no escalation, built-ins, isolation. */
let server: TestServer;
let api: ReturnType<typeof policyApi>;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  api = policyApi(server);
  ({ secret: admin } = await server.mintKey({ name: 'root', scopes: ['admin'] }));
});
afterAll(() => server.close());

describe('createScopePolicy', () => {
  it('creates a policy in the documented shape; scopePolicies lists it after the built-ins', async () => {
    const res = await api.create(admin, { name: '  Support desk ', mode: 'ALLOW', scopes: ['customers:read', 'customers:update', 'customers:read'] });
    expect(res.body.errors).toBeUndefined();
    const policy: PolicyView = res.body.data!.createScopePolicy.policy;
    expect(policy).toMatchObject({ name: 'Support desk', mode: 'ALLOW', scopes: ['customers:read', 'customers:update'], builtIn: false });

    const listed = await api.list(admin);
    expect(listed.filter((p) => p.builtIn).map((p) => p.name)).toEqual(expect.arrayContaining(['Full access', 'Read only']));
    expect(listed.findIndex((p) => p.id === policy.id)).toBeGreaterThan(listed.findLastIndex((p) => p.builtIn));
    const node = await server.graphql('query ($id: ID!) { node(id: $id) { ... on ScopePolicy { name } } }', { key: admin, variables: { id: policy.id } });
    expect(node.body.data!.node).toEqual({ name: 'Support desk' });
  });

  it('accepts wildcards and a DENY policy with an empty list (every non-admin scope)', async () => {
    expect((await api.created(admin, { name: 'All webhooks', mode: 'ALLOW', scopes: ['webhooks:*'] })).scopes).toEqual(['webhooks:*']);
    expect((await api.created(admin, { name: 'Everything', mode: 'DENY', scopes: [] })).mode).toBe('DENY');
  });

  it.each<[string, Record<string, unknown>, string, (e: any) => void]>([
    ['an empty name', { name: '  ', mode: 'ALLOW', scopes: ['products:read'] }, 'name', () => undefined],
    ['a name over 100 characters', { name: 'x'.repeat(101), mode: 'ALLOW', scopes: ['products:read'] }, 'name', (e) => expect(e.message).toContain('100')],
    ['an unknown scope, with suggestions', { name: 'typo', mode: 'ALLOW', scopes: ['customers:raed'] }, 'scopes', (e) => {
      expect(e.extensions.unknownScopes).toEqual(['customers:raed']);
      expect(e.extensions.suggestions['customers:raed']).toContain('customers:read');
      expect(e.message).toContain('customers:read');
    }],
    ['an unknown scope in a DENY policy', { name: 'typo', mode: 'DENY', scopes: ['bookings:remove'] }, 'scopes', () => undefined],
    ['an ALLOW policy that lists nothing', { name: 'empty', mode: 'ALLOW', scopes: [] }, 'scopes', () => undefined],
    ['a duplicate name in the account', { name: 'Support desk', mode: 'ALLOW', scopes: ['products:read'] }, 'name', (e) => expect(e.message).toContain('already exists')],
    ['a duplicate name in another case', { name: 'SUPPORT DESK', mode: 'ALLOW', scopes: ['products:read'] }, 'name', () => undefined],
    ['the name of a built-in policy', { name: 'Full access', mode: 'ALLOW', scopes: ['products:read'] }, 'name', (e) => expect(e.message).toContain('built-in')],
  ])('refuses %s with BAD_USER_INPUT naming the field, writing nothing', async (_label, input, field, extra) => {
    const before = await api.rows();
    const res = await api.create(admin, input);
    const error = onlyError(res.body);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    extra(error);
    expect(await api.rows()).toEqual(before);
  });

  it('two concurrent creates of one name: one policy, the other a clear duplicate error', async () => {
    const input = { name: 'Raced', mode: 'ALLOW', scopes: ['products:read'] };
    const results = await Promise.all([api.create(admin, input), api.create(admin, input), api.create(admin, input)]);
    expect(results.filter((r) => r.body.errors === undefined)).toHaveLength(1);
    for (const failed of results.filter((r) => r.body.errors !== undefined)) {
      expect(onlyError(failed.body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    }
    expect((await api.rows()).filter((p) => p.name === 'Raced')).toHaveLength(1);
  });

  it('needs keys:write', async () => {
    const { secret } = await server.mintKey({ scopes: ['keys:read', 'products:read'] });
    const res = await api.create(secret, { name: 'nope', mode: 'ALLOW', scopes: ['products:read'] });
    expect(res.status).toBe(403);
    expect(onlyError(res.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['keys:write'] });
  });
});

describe('no escalation', () => {
  let limited: string; // keys:write plus read/update on customers
  let everything: string; // every non-admin scope
  beforeAll(async () => {
    ({ secret: limited } = await server.mintKey({ scopes: ['keys:write', 'customers:read', 'customers:update'] }));
    ({ secret: everything } = await server.mintKey({ bundles: ['full'] }));
  });

  it('lets a key put in a policy what it holds', async () => {
    await api.created(limited, { name: 'Within reach', mode: 'ALLOW', scopes: ['customers:update'] });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a compound scope it holds only part of', { mode: 'ALLOW', scopes: ['customers:write'] }, ['customers:write', 'customers:create', 'customers:delete']],
    ['a wildcard', { mode: 'ALLOW', scopes: ['customers:*'] }, ['customers:write', 'customers:create', 'customers:delete']],
    ['a DENY policy, which grants every non-admin scope it does not list', { mode: 'DENY', scopes: ['bookings:delete'] }, ['products:read', 'webhooks:write', 'audit:read']],
  ])('refuses %s: SCOPE_REQUIRED naming what is missing, nothing written', async (_label, input, missing) => {
    const before = await api.rows();
    const error = onlyError((await api.create(limited, { name: 'Too much', ...input })).body);
    expect(error.extensions!.code).toBe('SCOPE_REQUIRED');
    expect(error.extensions!.missingScopes).toEqual(expect.arrayContaining(missing));
    expect(error.extensions!.missingScopes).not.toContain('customers:update');
    expect(await api.rows()).toEqual(before);
  });

  it('only admin may name admin in a policy, to allow or to deny it', async () => {
    for (const mode of ['ALLOW', 'DENY']) {
      const error = onlyError((await api.create(everything, { name: `admin ${mode}`, mode, scopes: ['admin'] })).body);
      expect(error.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['admin'] });
    }
    await api.created(everything, { name: 'No deleting', mode: 'DENY', scopes: ['customers:delete'] });
    await api.created(admin, { name: 'Admins', mode: 'ALLOW', scopes: ['admin'] });
  });

  it('an update cannot widen a policy past the caller, nor change a policy granting more than the caller holds', async () => {
    const own = await api.created(limited, { name: 'Narrow', mode: 'ALLOW', scopes: ['customers:read'] });
    const widen = onlyError((await api.update(limited, { id: own.id, scopes: ['customers:read', 'customers:delete'] })).body);
    expect(widen.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:delete'] });

    const bigger = await api.created(admin, { name: 'Bigger', mode: 'ALLOW', scopes: ['customers:write'] });
    const narrow = onlyError((await api.update(limited, { id: bigger.id, scopes: ['customers:read'] })).body);
    expect(narrow.extensions!.code).toBe('SCOPE_REQUIRED');
    expect(onlyError((await api.delete(limited, { id: bigger.id })).body).extensions!.code).toBe('SCOPE_REQUIRED');
    expect((await api.list(admin)).find((p) => p.id === bigger.id)!.scopes).toEqual(['customers:write']);
    expect((await api.list(admin)).find((p) => p.id === own.id)!.scopes).toEqual(['customers:read']);
  });

  it('lifting a deny cannot hand a key back admin unless the caller is admin', async () => {
    const deny = await api.created(admin, { name: 'Tamed admin', mode: 'DENY', scopes: ['customers:delete'] });
    const tamed = await api.keyWith([deny.id], { scopes: ['admin'] });
    expect(await api.effectiveScopes(tamed.secret)).not.toContain('admin');

    const error = onlyError((await api.update(everything, { id: deny.id, scopes: [] })).body);
    expect(error.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['admin'] });
    expect(await api.effectiveScopes(tamed.secret)).not.toContain('admin');

    expect((await api.update(admin, { id: deny.id, scopes: [] })).body.errors).toBeUndefined();
    expect(await api.effectiveScopes(tamed.secret)).toContain('admin');
  });
});

describe('updateScopePolicy', () => {
  it('changes every key holding the policy from its very next request', async () => {
    const policy = await api.created(admin, { name: 'Partner', mode: 'ALLOW', scopes: ['products:read'] });
    const { secret } = await api.keyWith([policy.id]);
    expect(await api.effectiveScopes(secret)).toEqual(['products:read']); // now cached with its permissions

    const res = await api.update(admin, { id: policy.id, name: 'Partner (customers)', scopes: ['customers:read'] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.updateScopePolicy.policy).toMatchObject({ id: policy.id, name: 'Partner (customers)', mode: 'ALLOW', scopes: ['customers:read'] });

    expect(await api.effectiveScopes(secret)).toEqual(['customers:read']);
    const products = await server.graphql('{ products { edges { node { id } } } }', { key: secret });
    expect(products.status).toBe(403);
    expect(onlyError(products.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['products:read'] });

    // Switching the mode turns it into "everything but".
    expect((await api.update(admin, { id: policy.id, mode: 'DENY', scopes: ['customers:*'] })).body.errors).toBeUndefined();
    const now = await api.effectiveScopes(secret);
    expect(now).toContain('products:write');
    expect(now.some((s) => s.startsWith('customers:'))).toBe(false);
  });

  it('validates the result as a whole and names the field', async () => {
    const policy = await api.created(admin, { name: 'Denier', mode: 'DENY', scopes: [] });
    await api.created(admin, { name: 'Taken', mode: 'ALLOW', scopes: ['products:read'] });
    const cases: [Record<string, unknown>, string][] = [
      [{ mode: 'ALLOW' }, 'scopes'], // an ALLOW policy with no scopes
      [{ name: '' }, 'name'],
      [{ name: 'taken' }, 'name'],
      [{ scopes: ['bookings:reed'] }, 'scopes'],
    ];
    for (const [patch, field] of cases) {
      expect(onlyError((await api.update(admin, { id: policy.id, ...patch })).body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect((await api.list(admin)).find((p) => p.id === policy.id)).toMatchObject({ name: 'Denier', mode: 'DENY', scopes: [] });
  });

  it('refuses to give a publishable key holding the policy a write scope', async () => {
    const policy = await api.created(admin, { name: 'Widget', mode: 'ALLOW', scopes: ['products:read'] });
    const widget = await api.keyWith([policy.id], { type: 'PUBLISHABLE' });
    const error = onlyError((await api.update(admin, { id: policy.id, scopes: ['products:write'] })).body);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes' });
    expect(error.message).toContain('products:write');
    expect(await api.effectiveScopes(widget.secret)).toEqual(['products:read']);
  });
});

describe('built-in policies', () => {
  it('are listed to every account, with their modes and scopes', async () => {
    const { secret } = await server.mintKey({ account: 'initech', scopes: ['keys:read'] });
    const builtIns = (await api.list(secret)).filter((p) => p.builtIn);
    expect(builtIns.find((p) => p.name === 'Full access')).toMatchObject({ mode: 'DENY', scopes: [] });
    expect(builtIns.find((p) => p.name === 'Read only')).toMatchObject({ mode: 'ALLOW' });
  });

  it.each(['Full access', 'Read only'])('%s is locked: update and delete are refused, even for admin', async (name) => {
    const id = (await api.list(admin)).find((p) => p.builtIn && p.name === name)!.id;
    const before = await api.rows();
    for (const res of [
      await api.update(admin, { id, name: 'Mine now' }),
      await api.update(admin, { id, scopes: ['admin'] }),
      await api.delete(admin, { id, force: true }),
    ]) {
      const error = onlyError(res.body);
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
      expect(error.message).toContain('built-in policies cannot be changed');
    }
    expect(await api.rows()).toEqual(before);
  });
});

describe('account isolation', () => {
  it('another account’s policy is NOT_FOUND for update, delete and node, like an id that does not exist', async () => {
    const mine = await api.created(admin, { name: 'Acme only', mode: 'ALLOW', scopes: ['products:read'] });
    const { secret: outsider } = await server.mintKey({ account: 'globex', scopes: ['admin'] });
    const unknown = toGlobalId('ScopePolicy', 999_999);

    for (const id of [mine.id, unknown]) {
      const update = onlyError((await api.update(outsider, { id, name: 'stolen' })).body);
      expect(update).toMatchObject({ message: 'Scope policy not found', extensions: { code: 'NOT_FOUND' } });
      const remove = onlyError((await api.delete(outsider, { id, force: true })).body);
      expect(remove).toMatchObject({ message: 'Scope policy not found', extensions: { code: 'NOT_FOUND' } });
    }
    const node = await server.graphql('query ($id: ID!) { node(id: $id) { id } }', { key: outsider, variables: { id: mine.id } });
    expect(node.body).toEqual({ data: { node: null } });
    expect((await api.list(outsider)).every((p) => p.builtIn)).toBe(true);
    expect((await api.list(admin)).find((p) => p.id === mine.id)).toMatchObject({ name: 'Acme only' });

    // Names are per account: globex may use acme's.
    await api.created(outsider, { name: 'Acme only', mode: 'ALLOW', scopes: ['products:read'] });
  });

  it('an id of another type is NOT_FOUND, a malformed one BAD_USER_INPUT', async () => {
    const wrongType = onlyError((await api.update(admin, { id: toGlobalId('ApiKey', 1), name: 'x' })).body);
    expect(wrongType.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const malformed = onlyError((await api.delete(admin, { id: 'not-an-id' })).body);
    expect(malformed.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

it('an admin key holding a DENY policy is no longer admin, and the no-escalation check sees that', async () => {
  const deny = await api.created(admin, { name: 'No audit', mode: 'DENY', scopes: ['audit:read'] });
  const { secret } = await api.keyWith([deny.id], { scopes: ['admin'] });
  expect(await api.effectiveScopes(secret)).toEqual(NON_ADMIN.filter((s) => s !== 'audit:read'));
  const error = onlyError((await api.create(secret, { name: 'Auditors', mode: 'ALLOW', scopes: ['audit:read'] })).body);
  expect(error.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['audit:read'] });
});
