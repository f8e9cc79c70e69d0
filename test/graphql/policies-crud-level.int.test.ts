import { Customer } from '../../src/db/entities';
import type { TestServer } from '../support/server';
import { gid, type Catalog } from './domain-fixtures';
import { NON_ADMIN, onlyError, startPolicyServer, type PolicyApi } from './policies-helpers';

/**
 * Issue 5 item 11: fine-grained actions in policies give the read-only,
 * no-delete and create-only integrations that module-based systems offer. Keys
 * are made through createApiKey, as an admin console would.
 */
let server: TestServer, api: PolicyApi, admin: string, catalog: Catalog;
beforeAll(async () => ({ server, api, admin, catalog } = await startPolicyServer()));
afterAll(() => server.close());

const CREATE_KEY = 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { effectiveScopes policies { name } } } }';
const CREATE_CUSTOMER = 'mutation { createCustomer(input: { name: "New", email: "new@acme.example.com" }) { customer { id } } }';
const UPDATE_CUSTOMER = 'mutation ($id: ID!) { updateCustomer(input: { id: $id, name: "Renamed" }) { customer { name } } }';
const DELETE_CUSTOMER = 'mutation ($id: ID!) { deleteCustomer(input: { id: $id }) { deletedId } }';

async function keyHolding(policyId: string, name: string) {
  const res = await server.graphql(CREATE_KEY, { key: admin, variables: { input: { name, policyIds: [policyId] } } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createApiKey as { secret: string; apiKey: { effectiveScopes: string[]; policies: { name: string }[] } };
}
const customerExists = async (id: number) => (await server.db.dataSource.getRepository(Customer).countBy({ id })) === 1;

it('read + update, no delete: effectiveScopes shows exactly those; update works, delete is refused and the row stays', async () => {
  const policy = await api.created(admin, { name: 'Support desk', mode: 'ALLOW', scopes: ['customers:read', 'customers:update'] });
  const { secret, apiKey } = await keyHolding(policy.id, 'support');
  expect(apiKey.effectiveScopes).toEqual(['customers:read', 'customers:update']);
  expect(apiKey.policies).toEqual([{ name: 'Support desk' }]);
  expect(await api.effectiveScopes(secret)).toEqual(['customers:read', 'customers:update']);

  const target = catalog.customers[0]!;
  const updated = await server.graphql(UPDATE_CUSTOMER, { key: secret, variables: { id: gid.customer(target) } });
  expect(updated.body).toEqual({ data: { updateCustomer: { customer: { name: 'Renamed' } } } });

  const deleted = await server.graphql(DELETE_CUSTOMER, { key: secret, variables: { id: gid.customer(target) } });
  expect(deleted.status).toBe(403);
  expect(onlyError(deleted.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:delete'] });
  expect(await customerExists(target.id)).toBe(true);

  const created = await server.graphql(CREATE_CUSTOMER, { key: secret });
  expect(onlyError(created.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:create'] });
});

it('no-delete: a DENY policy listing the deletes leaves every other scope, without the compound :write scopes', async () => {
  const policy = await api.created(admin, {
    name: 'No deletes',
    mode: 'DENY',
    scopes: ['customers:delete', 'bookings:delete', 'products:delete'],
  });
  const { secret, apiKey } = await keyHolding(policy.id, 'no deletes');
  const expected = NON_ADMIN.filter(
    (s) => !['customers:delete', 'bookings:delete', 'products:delete', 'customers:write', 'bookings:write', 'products:write'].includes(s),
  );
  expect(apiKey.effectiveScopes).toEqual(expected);
  expect(apiKey.effectiveScopes).toEqual(expect.arrayContaining(['customers:create', 'customers:update', 'bookings:update', 'keys:write']));

  const target = catalog.customers[1]!;
  expect((await server.graphql(CREATE_CUSTOMER, { key: secret })).body.errors).toBeUndefined();
  expect((await server.graphql(UPDATE_CUSTOMER, { key: secret, variables: { id: gid.customer(target) } })).body.errors).toBeUndefined();
  const deleted = await server.graphql(DELETE_CUSTOMER, { key: secret, variables: { id: gid.customer(target) } });
  expect(onlyError(deleted.body).extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:delete'] });
  expect(await customerExists(target.id)).toBe(true);

  // The deny wins over a grant of the compound scope on the key itself.
  const res = await server.graphql(CREATE_KEY, {
    key: admin,
    variables: { input: { name: 'writer without deletes', scopes: ['customers:write'], policyIds: [policy.id] } },
  });
  expect(res.body.data!.createApiKey.apiKey.effectiveScopes).not.toContain('customers:delete');
});

it('create-only: a policy allowing customers:create creates, and neither reads, updates nor deletes', async () => {
  const policy = await api.created(admin, { name: 'Signup form', mode: 'ALLOW', scopes: ['customers:create'] });
  const { secret, apiKey } = await keyHolding(policy.id, 'signup');
  expect(apiKey.effectiveScopes).toEqual(['customers:create']);
  // Selecting the new customer would need customers:read; a create-only client asks for nothing back.
  const before = await server.db.dataSource.getRepository(Customer).count();
  const created = await server.graphql('mutation { createCustomer(input: { name: "Signup", email: "s@acme.example.com" }) { __typename } }', { key: secret });
  expect(created.body).toEqual({ data: { createCustomer: { __typename: 'CreateCustomerPayload' } } });
  expect(await server.db.dataSource.getRepository(Customer).count()).toBe(before + 1);
  expect(onlyError((await server.graphql(CREATE_CUSTOMER, { key: secret })).body).extensions!.missingScopes).toEqual(['customers:read']);
  const target = catalog.customers[2]!;
  for (const [query, missing] of [[UPDATE_CUSTOMER, 'customers:update'], [DELETE_CUSTOMER, 'customers:delete']] as const) {
    const res = await server.graphql(query, { key: secret, variables: { id: gid.customer(target) } });
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors!.flatMap((e) => e.extensions!.missingScopes)).toContain(missing);
  }
  expect((await server.graphql('{ customers { edges { node { id } } } }', { key: secret })).status).toBe(403);
});

it('the built-in Read only policy reads everything it lists and writes nothing', async () => {
  const readOnly = (await api.list(admin)).find((p) => p.builtIn && p.name === 'Read only')!;
  const { secret, apiKey } = await keyHolding(readOnly.id, 'reader');
  expect(apiKey.effectiveScopes).toEqual(readOnly.scopes);
  expect((await server.graphql('{ customers { edges { node { id } } } }', { key: secret })).body.errors).toBeUndefined();
  expect(onlyError((await server.graphql(CREATE_CUSTOMER, { key: secret })).body).extensions!.code).toBe('SCOPE_REQUIRED');
});
