/**
 * Issue 7 item 4: a body over BODY_LIMIT_BYTES gets a clear, GraphQL-shaped
 * 413, and Apollo's CSRF prevention refuses requests a browser could send
 * cross-site without a preflight.
 */
import { startTestServer, type TestServer } from '../support/server';
import { onlyError } from './helpers';

const LIMIT = 4096;
const VIEWER = '{ viewer { account { name } } }';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: LIMIT });
  admin = (await server.mintKey({ scopes: ['admin'] })).secret;
});
afterAll(() => server.close());

async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(server.url, { method: 'POST', headers: { authorization: `Bearer ${admin}`, ...headers }, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

describe('request body limit', () => {
  it('a body just under the limit is served', async () => {
    const body = JSON.stringify({ query: VIEWER, variables: { pad: 'x'.repeat(LIMIT - 200) } });
    expect(body.length).toBeLessThan(LIMIT);
    const res = await post(body, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ data: { viewer: { account: { name: 'acme' } } } });
  });

  it('a body over the limit: 413 with a GraphQL error PAYLOAD_TOO_LARGE, nothing runs', async () => {
    const body = JSON.stringify({ query: VIEWER, variables: { pad: 'x'.repeat(LIMIT) } });
    const res = await post(body, { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const parsed = JSON.parse(res.text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(parsed).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    expect(parsed).not.toHaveProperty('data');
  });

  it('is refused before authentication: no key needed to be told', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'x'.repeat(LIMIT * 2) }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('the server still answers afterwards', async () => {
    expect((await server.graphql(VIEWER, { key: admin })).status).toBe(200);
  });
});

describe('CSRF prevention (Apollo csrfPrevention, on by default)', () => {
  it('refuses a POST with content-type text/plain and no preflight header: 400, nothing runs', async () => {
    const res = await post(JSON.stringify({ query: VIEWER }), { 'content-type': 'text/plain' });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(body).not.toHaveProperty('data');
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('refuses a form-encoded POST', async () => {
    const res = await post(`query=${encodeURIComponent(VIEWER)}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toContain('"data"');
  });

  it('refuses a GET without a preflight header: 400 BAD_REQUEST', async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent(VIEWER)}`, { headers: { authorization: `Bearer ${admin}` } });
    const res = { status: response.status, headers: response.headers, body: (await response.json()) as never };
    expect(res.status).toBe(400);
    expect(onlyError(res).extensions?.code).toBe('BAD_REQUEST');
    expect(res.body).not.toHaveProperty('data');
  });

  it('serves the same GET with apollo-require-preflight', async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent(VIEWER)}`, {
      headers: { authorization: `Bearer ${admin}`, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
  });
});
