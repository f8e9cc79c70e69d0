/**
 * Issue 5 item 7, contract section 4: what one request leaves in its key's
 * request log, and `ApiKey.requestLogs` reading it back.
 */
import { generateKey } from '../../src/auth/key-format';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { expectRefused, flipLastChar, graphqlGet } from './helpers';
import { allLogCount, logsOf } from './request-logs-support';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('one row per request of a known key', () => {
  it('records time, operation name, root field names, outcome, duration and client address; never the key', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['admin'] });
    const before = Date.now();
    const res = await server.graphql(
      `query Dashboard { ...Root me: viewer { account { name } } __typename }
       fragment Root on Query { scopes { name } ... on Query { first: products(first: 1) { edges { cursor } } } }`,
      { key: secret },
    );
    const after = Date.now();
    expect(res.status).toBe(200);

    const rows = await logsOf(server, id);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ operationName: 'Dashboard', outcome: 'OK', clientAddress: '127.0.0.1', accountId: (await server.account()).id });
    // Field names through fragments, not aliases (`me`, `first`), and no introspection fields.
    expect([...row!.rootFields].sort()).toEqual(['products', 'scopes', 'viewer']);
    expect(row!.at.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row!.at.getTime()).toBeLessThanOrEqual(after);
    expect(Number.isInteger(row!.durationMs)).toBe(true);
    expect(row!.durationMs).toBeGreaterThanOrEqual(0);
    expect(row!.durationMs).toBeLessThanOrEqual(after - before + 1);
    // Nothing of the key or of the Authorization header.
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(8));
    expect(stored).not.toMatch(/bearer/i);
  });

  it('an anonymous operation has a null name; of several operations, the one that ran is named', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
    await server.graphql('{ products { edges { cursor } } }', { key: secret });
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: 'query A { viewer { effectiveScopes } } query B { products { edges { cursor } } }', operationName: 'B' }),
    });
    expect(res.status).toBe(200);
    expect((await logsOf(server, id)).map((r) => [r.operationName, r.rootFields])).toEqual([
      [null, ['products']],
      ['B', ['products']],
    ]);
  });

  it('a mutation records its root field; a GET query is logged like a POST', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['keys:write'] });
    const res = await server.graphql('mutation Mint { k: createApiKey(input: { name: "child", scopes: ["keys:read"] }) { secret } }', { key: secret });
    expect(res.body.errors).toBeUndefined();
    expect((await graphqlGet(server, 'query Who { viewer { effectiveScopes } }', { authorization: `Bearer ${secret}`, 'apollo-require-preflight': 'true' })).status).toBe(200);
    const rows = await logsOf(server, id);
    expect(rows.map((r) => [r.operationName, r.rootFields, r.outcome])).toEqual([
      ['Mint', ['createApiKey'], 'OK'],
      ['Who', ['viewer'], 'OK'],
    ]);
    // The new key's secret was in the response, never in a row.
    expect(JSON.stringify(rows)).not.toContain(res.body.data?.k.secret);
  });

  it.each<[string, string, string]>([
    ['a denied root field (403)', '{ bookings { edges { cursor } } }', 'SCOPE_REQUIRED'],
    ['a partial result (200 with an error)', '{ products { edges { cursor } } bookings { edges { cursor } } }', 'SCOPE_REQUIRED'],
    ['an invalid operation', '{ products { nope } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a syntax error', '{ products {', 'GRAPHQL_PARSE_FAILED'],
  ])('the outcome of %s is the first error code', async (_case, query, outcome) => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
    await server.graphql(query, { key: secret });
    expect((await logsOf(server, id)).map((r) => r.outcome)).toEqual([outcome]);
  });

  it('a request Apollo refuses before its pipeline (no query) is logged with its code', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ variables: {} }),
    });
    expect(res.status).toBe(400);
    expect((await logsOf(server, id)).map((r) => [r.outcome, r.operationName, r.rootFields])).toEqual([['BAD_REQUEST', null, []]]);
  });
});

describe('refusals', () => {
  it('a 401 is in no key log: there is no key to log it under', async () => {
    const { secret } = await server.mintKey({ scopes: ['products:read'] });
    const count = await allLogCount(server);
    for (const key of [flipLastChar(secret), generateKey('SECRET'), 'sk_live_nonsense']) {
      expectRefused(await server.graphql('{ viewer { effectiveScopes } }', { key }), 401, 'UNAUTHENTICATED');
    }
    expectRefused(await server.graphql('{ viewer { effectiveScopes } }'), 401, 'UNAUTHENTICATED');
    expect(await allLogCount(server)).toBe(count);
  });

  it('a revoked key is refused with 401 and not logged either', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
    await server.app.services.keys.revoke({ kind: 'operator', accountId: (await server.account()).id }, id);
    expectRefused(await server.graphql('{ viewer { effectiveScopes } }', { key: secret }), 401, 'KEY_REVOKED');
    expect(await logsOf(server, id)).toEqual([]);
  });

  it('a known key outside its IP allowlist is logged with IP_NOT_ALLOWED and the refused address', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'], ipAllowlist: ['10.0.0.0/8'] });
    expectRefused(await server.graphql('query Q { products { edges { cursor } } }', { key: secret }), 403, 'IP_NOT_ALLOWED');
    const [row, ...more] = await logsOf(server, id);
    expect(more).toEqual([]);
    // The operation never ran: no name or fields are claimed for it.
    expect(row).toMatchObject({ outcome: 'IP_NOT_ALLOWED', operationName: null, rootFields: [], clientAddress: '127.0.0.1' });
  });

  it('a publishable key used from an unlisted Origin is logged with ORIGIN_NOT_ALLOWED', async () => {
    const { id, secret } = await server.mintKey({
      type: 'PUBLISHABLE',
      scopes: ['products:read'],
      allowedOrigins: ['https://shop.example.com'],
    });
    const res = await server.graphql('{ products { edges { cursor } } }', { key: secret, headers: { origin: 'https://evil.example.com' } });
    expectRefused(res, 403, 'ORIGIN_NOT_ALLOWED');
    expect((await logsOf(server, id)).map((r) => r.outcome)).toEqual(['ORIGIN_NOT_ALLOWED']);
  });
});

describe('ApiKey.requestLogs', () => {
  const PAGE = `query Page($after: String) { viewer { apiKey { requestLogs(first: 2, after: $after) {
    edges { cursor node { at operationName rootFields outcome durationMs clientAddress } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } } } }`;

  it('pages through the calling key’s requests, newest first', async () => {
    const { secret } = await server.mintKey({ scopes: ['keys:read', 'products:read'] });
    for (const name of ['One', 'Two', 'Three']) await server.graphql(`query ${name} { products { edges { cursor } } }`, { key: secret });
    await server.app.services.requestLogs.flush();

    const first = await server.graphql(PAGE, { key: secret });
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data?.viewer.apiKey.requestLogs;
    expect(page1.edges.map((e: any) => e.node.operationName)).toEqual(['Three', 'Two']);
    expect(page1.edges[0].node).toMatchObject({ rootFields: ['products'], outcome: 'OK', clientAddress: '127.0.0.1' });
    expect(typeof page1.edges[0].node.at).toBe('string');
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    await server.app.services.requestLogs.flush();
    const second = await server.graphql(PAGE, { key: secret, variables: { after: page1.pageInfo.endCursor } });
    const page2 = second.body.data?.viewer.apiKey.requestLogs;
    // The first page's own request is newer than the cursor, so not on this page.
    expect(page2.edges.map((e: any) => e.node.operationName)).toEqual(['One']);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('an admin reads another key’s log through apiKeys', async () => {
    const { id, secret } = await server.mintKey({ account: 'logs-admin', scopes: ['products:read'] });
    const { secret: admin } = await server.mintKey({ account: 'logs-admin', scopes: ['keys:read'] });
    await server.graphql('query Partner { products { edges { cursor } } }', { key: secret });
    await server.app.services.requestLogs.flush();
    const res = await server.graphql('{ apiKeys { edges { node { id requestLogs { edges { node { operationName } } } } } } }', { key: admin });
    const node = res.body.data?.apiKeys.edges.find((e: any) => e.node.id === toGlobalId('ApiKey', id)).node;
    expect(node.requestLogs.edges.map((e: any) => e.node.operationName)).toEqual(['Partner']);
  });

  it('needs keys:read, as every ApiKey field does', async () => {
    const { secret } = await server.mintKey({ scopes: ['products:read'] });
    const res = await server.graphql('{ viewer { apiKey { requestLogs { edges { cursor } } } } }', { key: secret });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SCOPE_REQUIRED');
  });

  it('reads stay inside the asking account, whatever key id they name', async () => {
    const { id, secret } = await server.mintKey({ account: 'victim', scopes: ['products:read'] });
    await server.graphql('{ products { edges { cursor } } }', { key: secret });
    await server.app.services.requestLogs.flush();
    const other = await server.account('intruder');
    const victim = await server.account('victim');
    const logs = server.app.services.requestLogs;
    expect((await logs.pageByKeys(victim.id, [id], { first: 10 })).get(id)?.nodes).toHaveLength(1);
    expect((await logs.pageByKeys(other.id, [id], { first: 10 })).get(id)?.nodes).toEqual([]);
  });

  it('refuses a page size over 100', async () => {
    const { secret } = await server.mintKey({ scopes: ['keys:read'] });
    const res = await server.graphql('{ viewer { apiKey { requestLogs(first: 101) { edges { cursor } } } } }', { key: secret });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
