import { startTestServer, type TestServer } from '../support/server';

// Contract section 1: CORS headers are only ever sent for origins a publishable key lists.
const SHOP = 'https://shop.example.com';
const EVIL = 'https://evil.example.com';

let server: TestServer;
let widgetKey: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ secret: widgetKey } = await server.mintKey({ type: 'PUBLISHABLE', bundles: ['booking_widget'], allowedOrigins: [SHOP] }));
});
afterAll(() => server.close());

const preflight = (origin: string) =>
  fetch(server.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('CORS', () => {
  it('answers a preflight from a listed origin with that origin alone', async () => {
    const res = await preflight(SHOP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('sends no CORS header to an origin no key lists', async () => {
    const res = await preflight(EVIL);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const post = await server.graphql('{ viewer { effectiveScopes } }', { key: widgetKey, headers: { origin: EVIL } });
    expect(post.status).toBe(403);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the listed origin read the response and its X-Scopes', async () => {
    const res = await server.graphql('{ viewer { effectiveScopes } }', { key: widgetKey, headers: { origin: SHOP } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-scopes');
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('learns an origin from a key created while running, and forgets it when the key is revoked', async () => {
    const other = 'https://other-shop.example.com';
    expect((await preflight(other)).headers.get('access-control-allow-origin')).toBeNull();
    const { id } = await server.mintKey({ type: 'PUBLISHABLE', scopes: ['products:read'], allowedOrigins: [other] });
    expect((await preflight(other)).headers.get('access-control-allow-origin')).toBe(other);
    const { id: accountId } = await server.account();
    await server.app.services.keys.revoke({ kind: 'operator', accountId }, id);
    expect((await preflight(other)).headers.get('access-control-allow-origin')).toBeNull();
  });
});
