/**
 * Issue 5 item 6: the client address is the socket's unless TRUST_PROXY names
 * the proxy in front, and then it is what that proxy put in X-Forwarded-For.
 * The same address is checked against the IP allowlist and written to the
 * request log.
 */
import { startTestServer, type TestServer } from '../support/server';
import { expectRefused } from './helpers';
import { logsOf } from './request-logs-support';

const VIEWER = '{ viewer { account { name } } }';
const ALLOWLIST = ['203.0.113.0/24'];

describe('TRUST_PROXY=127.0.0.1 (the test client is the proxy)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => server.close());

  it('believes X-Forwarded-For: the allowlist passes and the log records the forwarded address', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'], ipAllowlist: ALLOWLIST });
    const res = await server.graphql(VIEWER, { key: secret, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
    expect(res.body.data?.viewer.account.name).toBe('acme');
    expect((await logsOf(server, id)).map((r) => r.clientAddress)).toEqual(['203.0.113.9']);
  });

  it('without the header the proxy itself is the client, and it is not on the list', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'], ipAllowlist: ALLOWLIST });
    expectRefused(await server.graphql(VIEWER, { key: secret }), 403, 'IP_NOT_ALLOWED');
    expect((await logsOf(server, id)).map((r) => [r.clientAddress, r.outcome])).toEqual([['127.0.0.1', 'IP_NOT_ALLOWED']]);
  });

  it('a client cannot prepend an address: the hop the trusted proxy saw is the client', async () => {
    // The proxy appends the address it saw (10.9.9.9) to what the client sent.
    const { id, secret } = await server.mintKey({ scopes: ['products:read'], ipAllowlist: ALLOWLIST });
    const res = await server.graphql(VIEWER, { key: secret, headers: { 'x-forwarded-for': '203.0.113.9, 10.9.9.9' } });
    expectRefused(res, 403, 'IP_NOT_ALLOWED');
    expect((await logsOf(server, id)).map((r) => r.clientAddress)).toEqual(['10.9.9.9']);
  });
});

describe('TRUST_PROXY unset (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('ignores X-Forwarded-For: the same request is refused, and the socket address is logged', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'], ipAllowlist: ALLOWLIST });
    expectRefused(await server.graphql(VIEWER, { key: secret, headers: { 'x-forwarded-for': '203.0.113.9' } }), 403, 'IP_NOT_ALLOWED');
    expect((await logsOf(server, id)).map((r) => r.clientAddress)).toEqual(['127.0.0.1']);
  });

  it('and a key without an allowlist is logged at the socket address, whatever the header says', async () => {
    const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
    expect((await server.graphql(VIEWER, { key: secret, headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
    expect((await logsOf(server, id)).map((r) => r.clientAddress)).toEqual(['127.0.0.1']);
  });
});
