import { ApiKey } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import type { TestServer } from '../support/server';
import { gid, type Catalog } from './domain-fixtures';
import { onlyError, startPolicyServer, type PolicyApi } from './policies-helpers';

/** Issue 5 item 3: deleting a policy keys use is refused unless forced; a forced delete never widens a key. */
let server: TestServer, api: PolicyApi, admin: string, catalog: Catalog;
beforeAll(async () => ({ server, api, admin, catalog } = await startPolicyServer()));
afterAll(() => server.close());

const policiesOf = async (keyId: number) =>
  (await server.db.dataSource.getRepository(ApiKey).findOneOrFail({ where: { id: keyId }, relations: { policies: true } })).policies!.map((p) => p.name);
const DELETE_CUSTOMER = 'mutation ($id: ID!) { deleteCustomer(input: { id: $id }) { deletedId } }';

it('deletes a policy no key uses', async () => {
  const policy = await api.created(admin, { name: 'Unused', mode: 'ALLOW', scopes: ['products:read'] });
  const res = await api.delete(admin, { id: policy.id });
  expect(res.body).toEqual({ data: { deleteScopePolicy: { deletedId: policy.id } } });
  expect((await api.list(admin)).some((p) => p.id === policy.id)).toBe(false);
  const again = onlyError((await api.delete(admin, { id: policy.id })).body);
  expect(again.extensions!.code).toBe('NOT_FOUND');
});

it('refuses to delete a policy keys use, with the count of keys, and changes nothing', async () => {
  const policy = await api.created(admin, { name: 'Shared', mode: 'ALLOW', scopes: ['products:read'] });
  const keys = [await api.keyWith([policy.id]), await api.keyWith([policy.id], { scopes: ['customers:read'] })];
  const before = await api.rows();

  for (const input of [{ id: policy.id }, { id: policy.id, force: false }]) {
    const error = onlyError((await api.delete(admin, input)).body);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'force', keyCount: 2 });
    expect(error.message).toContain('used by 2 keys');
    expect(error.message).toContain('force: true');
  }
  expect(await api.rows()).toEqual(before);
  for (const key of keys) expect(await policiesOf(key.id)).toEqual(['Shared']);
});

it('with force, removes an ALLOW policy’s grants: a key it was the only grant of ends with nothing, not full access', async () => {
  const policy = await api.created(admin, { name: 'Only grant', mode: 'ALLOW', scopes: ['products:read', 'customers:read'] });
  const only = await api.keyWith([policy.id]);
  const mixed = await api.keyWith([policy.id], { scopes: ['bookings:read'] });
  expect(await api.effectiveScopes(only.secret)).toEqual(['products:read', 'customers:read']); // cached from here on

  const res = await api.delete(admin, { id: policy.id, force: true });
  expect(res.body).toEqual({ data: { deleteScopePolicy: { deletedId: policy.id } } });

  expect(await api.effectiveScopes(only.secret)).toEqual([]);
  const products = await server.graphql('{ products { edges { node { id } } } }', { key: only.secret });
  expect(products.status).toBe(403);
  expect(onlyError(products.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['products:read'] });
  expect(await policiesOf(only.id)).toEqual([]);
  expect(await api.effectiveScopes(mixed.secret)).toEqual(['bookings:read']);
});

describe('a DENY policy', () => {
  it('cannot be force-deleted while a key relies on its denies: names the key, changes nothing', async () => {
    const deny = await api.created(admin, { name: 'No deleting customers', mode: 'DENY', scopes: ['customers:delete'] });
    const writer = await api.keyWith([deny.id], { scopes: ['customers:write'] });
    const prefix = (await server.db.dataSource.getRepository(ApiKey).findOneByOrFail({ id: writer.id })).prefix;
    expect(await api.effectiveScopes(writer.secret)).not.toContain('customers:delete');
    const before = await api.rows();

    const error = onlyError((await api.delete(admin, { id: deny.id, force: true })).body);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(error.message).toContain(prefix);
    expect(error.message).toContain('customers:delete');
    expect(error.extensions!.keys).toEqual([
      expect.objectContaining({ prefix, gainedScopes: expect.arrayContaining(['customers:write', 'customers:delete']) }),
    ]);

    expect(await api.rows()).toEqual(before);
    expect(await policiesOf(writer.id)).toEqual(['No deleting customers']);
    const refused = await server.graphql(DELETE_CUSTOMER, { key: writer.secret, variables: { id: gid.customer(catalog.customers[0]!) } });
    expect(onlyError(refused.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:delete'] });
  });

  it('is all or nothing: one key relying on it stops the delete for every key', async () => {
    const deny = await api.created(admin, { name: 'Mixed users', mode: 'DENY', scopes: ['bookings:delete'] });
    const narrowing = await api.keyWith([deny.id], { scopes: ['products:read'] });
    await api.keyWith([deny.id], { scopes: ['bookings:write'] });
    const error = onlyError((await api.delete(admin, { id: deny.id, force: true })).body);
    expect(error.extensions!.keys).toHaveLength(1);
    expect(await policiesOf(narrowing.id)).toEqual(['Mixed users']);
  });

  it('can be force-deleted when detaching only narrows every key', async () => {
    const deny = await api.created(admin, { name: 'Everything but audit', mode: 'DENY', scopes: ['audit:read'] });
    const onlyPolicy = await api.keyWith([deny.id]);
    const withOwn = await api.keyWith([deny.id], { scopes: ['products:read'] });
    expect(await api.effectiveScopes(withOwn.secret)).toContain('customers:write');

    expect((await api.delete(admin, { id: deny.id, force: true })).body.errors).toBeUndefined();
    expect(await api.effectiveScopes(onlyPolicy.secret)).toEqual([]);
    expect(await api.effectiveScopes(withOwn.secret)).toEqual(['products:read']);
  });

  it('a revoked key does not hold it back (revocation is permanent) but is detached too', async () => {
    const deny = await api.created(admin, { name: 'Dead weight', mode: 'DENY', scopes: ['customers:delete'] });
    const revoked = await api.keyWith([deny.id], { scopes: ['customers:write'] });
    const accountId = (await server.account('acme')).id;
    await server.app.services.keys.revoke({ kind: 'operator', accountId }, revoked.id);

    expect((await api.delete(admin, { id: deny.id, force: true })).body.errors).toBeUndefined();
    expect(await policiesOf(revoked.id)).toEqual([]);
  });
});

it('a forced delete keeps a key’s other policies', async () => {
  const kept = await api.created(admin, { name: 'Kept', mode: 'ALLOW', scopes: ['bookings:read'] });
  const gone = await api.created(admin, { name: 'Gone', mode: 'ALLOW', scopes: ['products:read'] });
  const key = await api.keyWith([kept.id, gone.id]);
  expect((await api.delete(admin, { id: gone.id, force: true })).body.errors).toBeUndefined();
  expect(await policiesOf(key.id)).toEqual(['Kept']);
  expect(await api.effectiveScopes(key.secret)).toEqual(['bookings:read']);
});

it('needs keys:write, and the policy’s grants', async () => {
  const policy = await api.created(admin, { name: 'Guarded', mode: 'ALLOW', scopes: ['customers:write'] });
  const { secret: reader } = await server.mintKey({ scopes: ['keys:read', 'customers:write'] });
  const noWrite = await api.delete(reader, { id: policy.id });
  expect(noWrite.status).toBe(403);
  expect(onlyError(noWrite.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['keys:write'] });

  const { secret: small } = await server.mintKey({ scopes: ['keys:write', 'customers:read'] });
  const error = onlyError((await api.delete(small, { id: policy.id })).body);
  expect(error.extensions!.code).toBe('SCOPE_REQUIRED');
  expect(error.extensions!.missingScopes).toEqual(['customers:write', 'customers:create', 'customers:update', 'customers:delete']);
  expect((await api.list(admin)).some((p) => p.id === policy.id)).toBe(true);
});

it('refuses ids of built-ins and of nothing', async () => {
  const fullAccess = (await api.list(admin)).find((p) => p.builtIn && p.name === 'Full access')!;
  expect(onlyError((await api.delete(admin, { id: fullAccess.id })).body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  expect(onlyError((await api.delete(admin, { id: toGlobalId('ScopePolicy', 424_242) })).body).extensions!.code).toBe('NOT_FOUND');
});
