/**
 * Issue 9 part 3: each request log row records the scopes the request used, and
 * `ApiKey.scopeUsage(days:)` compares them with what the key holds.
 */
import { RequestLog } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import { statementCounter } from '../support/statement-counter';
import { startTestServer, type TestServer } from '../support/server';
import { logsOf } from '../http/request-logs-support';
import { createCatalog, DAY, futureDay, gid, HOUR, type Catalog } from './domain-fixtures';

let server: TestServer;
let catalog: Catalog;
let admin: string;
const { logger, statements } = statementCounter();

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_WORKER: false });
  catalog = await createCatalog(server, 'acme', { products: 1, customers: 1, bookings: 1 });
  ({ secret: admin } = await server.mintKey({ name: 'auditor', scopes: ['keys:read'] }));
  server.db.dataSource.setOptions({ logger });
});
afterAll(() => server.close());

const BOOK = `mutation Book($input: CreateBookingInput!) { createBooking(input: $input) { booking { id customer { email } } } }`;
let hour = 0;
const bookingInput = () => {
  const startsAt = futureDay(5) + ++hour * HOUR;
  return {
    input: {
      productId: gid.product(catalog.products[0]!),
      customerId: gid.customer(catalog.customers[0]!),
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + HOUR).toISOString(),
    },
  };
};

const USAGE = `query Usage($id: ID!, $days: Int) {
  node(id: $id) { ... on ApiKey { scopeUsage(days: $days) { usedScopes unusedScopes suggestedScopes requestCount } } }
}`;
async function usage(apiKeyId: number, days?: number) {
  await server.app.services.requestLogs.flush();
  const res = await server.graphql(USAGE, { key: admin, variables: { id: toGlobalId('ApiKey', apiKeyId), days } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.node.scopeUsage;
}

describe('scopesUsed in the request log', () => {
  it('records, per request, the concrete scopes that met what it selected', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['bookings:write', 'customers:read'] });
    await server.graphql(BOOK, { key: secret, variables: bookingInput() });
    await server.graphql('{ bookings { edges { node { reference product { name } } } } }', { key: secret });
    await server.graphql('{ viewer { effectiveScopes } }', { key: secret });
    const rows = await logsOf(server, id);
    expect(rows.map((r) => [r.outcome, r.scopesUsed])).toEqual([
      // bookings:write met bookings:create and bookings:read: those are recorded, not write.
      ['OK', ['bookings:create', 'bookings:read', 'customers:read']],
      // products:read was denied (partial result): nothing recorded for it.
      ['SCOPE_REQUIRED', ['bookings:read']],
      ['OK', []],
    ]);
  });

  it('is readable on RequestLog, null for rows written before it was recorded', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
    const { id: accountId } = await server.account();
    await server.app.services.repos.requestLogs.insertMany([
      { apiKeyId: id, accountId, at: new Date(Date.now() - 60_000), operationName: 'Old', rootFields: [], outcome: 'OK', durationMs: 1, clientAddress: '127.0.0.1' },
    ]);
    await server.graphql('query New { products { edges { cursor } } }', { key: secret });
    await server.app.services.requestLogs.flush();
    const res = await server.graphql('query ($id: ID!) { node(id: $id) { ... on ApiKey { requestLogs { edges { node { operationName scopesUsed } } } } } }', {
      key: admin,
      variables: { id: toGlobalId('ApiKey', id) },
    });
    expect(res.body.data?.node.requestLogs.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { operationName: 'New', scopesUsed: ['products:read'] },
      { operationName: 'Old', scopesUsed: null },
    ]);
  });

  it('records nothing for a mutation refused as a whole or an operation that never ran', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['bookings:write'] });
    await server.graphql(BOOK, { key: secret, variables: bookingInput() });
    await server.graphql('{ bookings { nope } }', { key: secret });
    expect((await logsOf(server, id)).map((r) => [r.outcome, r.scopesUsed])).toEqual([
      ['SCOPE_REQUIRED', []],
      ['GRAPHQL_VALIDATION_FAILED', []],
    ]);
  });
});

describe('ApiKey.scopeUsage', () => {
  it('splits the key’s effective scopes into used and unused, and suggests the narrowest list', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['bookings:write', 'customers:read', 'reports:read', 'products:read'] });
    await server.graphql(BOOK, { key: secret, variables: bookingInput() });
    await server.graphql('{ bookings(first: 5) { edges { node { reference } } } }', { key: secret });
    await server.graphql('{ apiKeys { edges { cursor } } }', { key: secret }); // denied: uses nothing
    expect(await usage(id)).toEqual({
      usedScopes: ['customers:read', 'bookings:read', 'bookings:create'],
      unusedScopes: ['products:read', 'bookings:write', 'bookings:update', 'bookings:delete', 'reports:read'],
      suggestedScopes: ['customers:read', 'bookings:read', 'bookings:create'],
      requestCount: 3,
    });
  });

  it('reads only the window asked for, and leaves out rows that recorded nothing (older than the column)', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read', 'customers:read', 'audit:read'] });
    const { id: accountId } = await server.account();
    await server.graphql('{ products { edges { node { name } } } }', { key: secret });
    const row = { apiKeyId: id, accountId, operationName: null, rootFields: [], outcome: 'OK', durationMs: 1, clientAddress: '127.0.0.1' };
    await server.app.services.repos.requestLogs.insertMany([
      { ...row, at: new Date(Date.now() - 40 * DAY), scopesUsed: ['customers:read'] },
      // Written before scope usage was recorded: unknown, so not counted either way.
      { ...row, at: new Date(Date.now() - DAY), scopesUsed: null },
    ]);
    expect(await usage(id)).toEqual({
      usedScopes: ['products:read'],
      unusedScopes: ['customers:read', 'audit:read'],
      suggestedScopes: ['products:read'],
      requestCount: 1,
    });
    expect(await usage(id, 60)).toMatchObject({ usedScopes: ['products:read', 'customers:read'], unusedScopes: ['audit:read'], requestCount: 2 });
  });

  it('never suggests a scope the key no longer holds', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read', 'customers:read'] });
    await server.graphql('{ customers { edges { node { name } } } products { edges { cursor } } }', { key: secret });
    await server.app.services.keys.update({ kind: 'operator', accountId: (await server.account()).id }, id, { scopes: ['products:read'] });
    expect(await usage(id)).toEqual({ usedScopes: ['products:read'], unusedScopes: [], suggestedScopes: ['products:read'], requestCount: 1 });
  });

  it('answers a page of keys with one grouped query', async () => {
    await server.app.services.requestLogs.flush();
    statements.length = 0;
    const res = await server.graphql('{ apiKeys(first: 50) { edges { node { name scopeUsage { usedScopes } } } } }', { key: admin });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.apiKeys.edges.length).toBeGreaterThan(3);
    expect(statements.filter((sql) => /GROUP BY/i.test(sql) && /scopesUsed/.test(sql))).toHaveLength(1);
  });

  it.each([0, 366, -1])('refuses days: %i with BAD_USER_INPUT', async (days) => {
    const res = await server.graphql(USAGE, { key: admin, variables: { id: toGlobalId('ApiKey', 1), days } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
  });

  it('needs keys:read, as every ApiKey field does', async () => {
    const { secret } = await server.mintKey({ scopes: ['products:read'] });
    const res = await server.graphql('{ viewer { apiKey { scopeUsage { usedScopes } } } }', { key: secret });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SCOPE_REQUIRED');
  });

  it('stays inside the asking account', async () => {
    const { id, secret } = await server.mintKey({ account: 'other', scopes: ['products:read'] });
    await server.graphql('{ products { edges { cursor } } }', { key: secret });
    await server.app.services.requestLogs.flush();
    const { id: acme } = await server.account('acme');
    expect((await server.app.services.requestLogs.scopesNeededByKeys(acme, [id], new Date(0))).get(id)).toBeUndefined();
    expect(await server.db.dataSource.getRepository(RequestLog).countBy({ apiKeyId: id })).toBe(1);
  });
});
