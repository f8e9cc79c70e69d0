/**
 * Issue 7 item 9: one structured pino line per request, with the request id,
 * the key's prefix (never more of it), the operation name, the outcome and the
 * duration; the Authorization header never appears.
 */
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let admin: { id: number; secret: string };
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'info' }, { captureLogs: true });
  admin = await server.mintKey({ scopes: ['admin'] });
});
afterAll(() => server.close());

type Line = Record<string, any>;

/** The access log lines for one request id, read from what the server wrote. */
function linesFor(requestId: string | null): Line[] {
  return server
    .logOutput()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line)
    .filter((line) => line.reqId === requestId && line.msg === 'request completed');
}

async function oneLine(res: { headers: Headers }): Promise<Line> {
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  // onResponse runs once the response is written, which may be just after the client has it.
  for (let i = 0; i < 50 && linesFor(requestId).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const lines = linesFor(requestId);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

it('a successful operation: request id, key prefix, operation name, OK, duration', async () => {
  const res = await server.graphql('query WhoAmI { viewer { account { name } } }', { key: admin.secret });
  expect(res.status).toBe(200);
  const line = await oneLine(res);
  const [{ prefix }] = (await server.db.dataSource.query('SELECT prefix FROM api_key WHERE id = ?', [admin.id])) as { prefix: string }[];
  expect(line).toMatchObject({
    level: 30,
    reqId: res.headers.get('x-request-id'),
    keyPrefix: prefix,
    operationName: 'WhoAmI',
    outcome: 'OK',
    req: { method: 'POST', url: '/graphql' },
    res: { statusCode: 200 },
  });
  expect(typeof line.durationMs).toBe('number');
  expect(line.durationMs).toBeGreaterThanOrEqual(0);
  expect(admin.secret.startsWith(prefix)).toBe(true);
  expect(prefix.length).toBeLessThan(admin.secret.length);
});

it('an error outcome carries the first error code', async () => {
  const res = await server.graphql('query Broken { viewer { password } }', { key: admin.secret });
  expect(res.status).toBe(400);
  expect(await oneLine(res)).toMatchObject({ operationName: 'Broken', outcome: 'GRAPHQL_VALIDATION_FAILED', res: { statusCode: 400 } });
});

it('an unknown key: UNAUTHENTICATED, no key prefix', async () => {
  const res = await server.graphql('query Anon { viewer { account { name } } }', { key: 'sk_live_nope' });
  expect(res.status).toBe(401);
  const line = await oneLine(res);
  expect(line).toMatchObject({ outcome: 'UNAUTHENTICATED', res: { statusCode: 401 } });
  expect(line).not.toHaveProperty('keyPrefix');
});

it('a key refused by its IP allowlist: its prefix and IP_NOT_ALLOWED', async () => {
  const fenced = await server.mintKey({ scopes: ['products:read'], ipAllowlist: ['10.0.0.0/8'] });
  const res = await server.graphql('query Fenced { viewer { account { name } } }', { key: fenced.secret });
  expect(res.status).toBe(403);
  const line = await oneLine(res);
  expect(line).toMatchObject({ outcome: 'IP_NOT_ALLOWED', res: { statusCode: 403 } });
  expect(fenced.secret.startsWith(line.keyPrefix)).toBe(true);
  expect(line.keyPrefix.length).toBeLessThan(fenced.secret.length);
});

it('a body over the limit: PAYLOAD_TOO_LARGE', async () => {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'x'.repeat(1_100_000) }),
  });
  expect(response.status).toBe(413);
  expect(await oneLine(response)).toMatchObject({ outcome: 'PAYLOAD_TOO_LARGE', res: { statusCode: 413 } });
});

it('one line per request, never the key or the Authorization header', async () => {
  const res = await server.graphql('{ viewer { account { name } } }', { key: admin.secret });
  await oneLine(res);
  const output = server.logOutput();
  expect(output).not.toContain(admin.secret);
  expect(output).not.toContain('sk_live_nope');
  expect(output.toLowerCase()).not.toContain('bearer');
  expect(output).not.toContain('incoming request');
});

it('other routes get a line too', async () => {
  const response = await fetch(server.url.replace(/\/graphql$/, '/healthz'));
  const line = await oneLine(response);
  expect(line).toMatchObject({ req: { method: 'GET', url: '/healthz' }, res: { statusCode: 200 }, outcome: 'OK', operationName: null });
});
