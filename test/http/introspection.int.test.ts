/**
 * Introspection (issue 7 item 3): authenticated keys only; INTROSPECTION=scoped
 * (the default) shows a key only the fields its scopes can use; `on` shows the
 * whole schema; `off` refuses __schema and __type before execution.
 */
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { defaultConfig } from '../../src/config';
import { startTestServer, type TestServer } from '../support/server';
import { onlyError } from './helpers';

const ROOT_FIELDS = '{ __schema { queryType { fields { name } } mutationType { fields { name } } types { name } } }';

type Schema = { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] } | null; types: { name: string }[] };
const queryFields = (schema: Schema) => schema.queryType.fields.map((f) => f.name);
const typeNames = (schema: Schema) => schema.types.map((t) => t.name);

describe('INTROSPECTION=scoped (default)', () => {
  let server: TestServer;
  let admin: string;
  let products: string;
  beforeAll(async () => {
    server = await startTestServer();
    expect(defaultConfig.INTROSPECTION).toBe('scoped');
    admin = (await server.mintKey({ scopes: ['admin'] })).secret;
    products = (await server.mintKey({ scopes: ['products:read'] })).secret;
  });
  afterAll(() => server.close());

  it('refuses unauthenticated introspection with 401 (authentication runs first)', async () => {
    const res = await server.graphql(ROOT_FIELDS);
    expect(res.status).toBe(401);
    expect(onlyError(res).extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body).not.toHaveProperty('data');
  });

  it('a products:read key sees products but not apiKeys or customers', async () => {
    const res = await server.graphql(ROOT_FIELDS, { key: products });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const schema = res.body.data!.__schema as Schema;
    expect(queryFields(schema)).toEqual(expect.arrayContaining(['products', 'viewer']));
    expect(queryFields(schema)).not.toContain('apiKeys');
    expect(queryFields(schema)).not.toContain('customers');
    // Types only reachable through removed fields, or protected themselves, are gone too.
    expect(typeNames(schema)).toEqual(expect.arrayContaining(['Product', 'ProductConnection']));
    expect(typeNames(schema)).not.toContain('Customer');
    expect(typeNames(schema)).not.toContain('CustomerConnection');
    // Every mutation needs a write scope this key does not have (public ones aside).
    expect((schema.mutationType?.fields ?? []).map((f) => f.name)).not.toContain('createCustomer');
  });

  it('__type of a type the key cannot use is null', async () => {
    const res = await server.graphql('{ customer: __type(name: "Customer") { name } product: __type(name: "Product") { name } }', { key: products });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ customer: null, product: { name: 'Product' } });
  });

  it('an admin sees everything', async () => {
    const res = await server.graphql(ROOT_FIELDS, { key: admin });
    const schema = res.body.data!.__schema as Schema;
    expect(queryFields(schema)).toEqual(expect.arrayContaining(['products', 'apiKeys', 'customers', 'bookings']));
    expect(typeNames(schema)).toEqual(expect.arrayContaining(['Customer', 'ApiKey']));
  });

  it('the full introspection query gives a valid schema, within every query limit', async () => {
    const res = await server.graphql(getIntrospectionQuery(), { key: products });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const client = buildClientSchema(res.body.data as unknown as IntrospectionQuery);
    expect(client.getQueryType()?.getFields().products).toBeDefined();
    expect(client.getQueryType()?.getFields().customers).toBeUndefined();
  });

  it('refuses introspection mixed with data fields, which must run against the whole schema', async () => {
    const res = await server.graphql('{ __schema { types { name } } products(first: 1) { edges { cursor } } }', { key: products });
    expect(res.status).toBe(400);
    expect(onlyError(res).extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body).not.toHaveProperty('data');
  });

  it('leaves data queries and __typename alone', async () => {
    const res = await server.graphql('{ __typename customers(first: 1) { edges { cursor } } }', { key: products });
    expect(res.body.data).toBeNull();
    expect(onlyError(res).extensions?.code).toBe('SCOPE_REQUIRED');
  });
});

describe('INTROSPECTION=on', () => {
  let server: TestServer;
  let products: string;
  beforeAll(async () => {
    server = await startTestServer({ INTROSPECTION: 'on' });
    products = (await server.mintKey({ scopes: ['products:read'] })).secret;
  });
  afterAll(() => server.close());

  it('shows any authenticated key the whole schema', async () => {
    const res = await server.graphql(ROOT_FIELDS, { key: products });
    expect(queryFields(res.body.data!.__schema as Schema)).toEqual(expect.arrayContaining(['products', 'apiKeys', 'customers']));
  });

  it('still refuses unauthenticated introspection', async () => {
    expect((await server.graphql(ROOT_FIELDS)).status).toBe(401);
  });
});

describe('INTROSPECTION=off', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ INTROSPECTION: 'off' });
    admin = (await server.mintKey({ scopes: ['admin'] })).secret;
  });
  afterAll(() => server.close());

  it.each([ROOT_FIELDS, '{ __type(name: "Product") { name } }'])('refuses %s before execution', async (query) => {
    const res = await server.graphql(query, { key: admin });
    expect(res.status).toBe(400);
    expect(res.body).not.toHaveProperty('data');
    const error = onlyError(res);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INTROSPECTION_DISABLED' });
    expect(error.message).toMatch(/^Introspection is disabled on this server \(INTROSPECTION=off\)/);
  });

  it('still answers __typename', async () => {
    const res = await server.graphql('{ __typename }', { key: admin });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ __typename: 'Query' });
  });
});
