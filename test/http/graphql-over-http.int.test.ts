/**
 * Issue 7 item 5: the graphql-http audit suite (the GraphQL over HTTP spec's
 * conformance checks) against the real, listening server.
 *
 * The audits send no Authorization header, and our endpoint answers every
 * request without a key with 401 (contract §3), so the fetch they use adds a
 * valid key to every request. Every MUST passes; the SHOULD and MAY audits
 * that do not are listed here, with their reasons (also in the README's
 * "GraphQL over HTTP"), so that a regression or an improvement is noticed.
 */
import { serverAudits, type AuditResult } from 'graphql-http';
import { startTestServer, type TestServer } from '../support/server';

/** The audits we knowingly fail, by name, and why. */
const EXPECTED_FAILURES: Record<string, string> = {
  // Contract §3: an operation that never executed is a 400, for every media type.
  'SHOULD use 200 status code on document parsing failure when accepting application/json': 'contract §3: 400 when nothing executed',
  'SHOULD use 200 status code on document validation failure when accepting application/json': 'contract §3: 400 when nothing executed',
  'SHOULD use a status code of 200 on variable coercion failure when accepting application/json': 'contract §3: 400 when nothing executed',
  // Apollo's CSRF prevention: a GET must carry a preflight-forcing header, which these audits do not send.
  'MAY accept application/x-www-form-urlencoded formatted GET requests': 'CSRF prevention',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json': 'CSRF prevention',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json': 'CSRF prevention',
};

let server: TestServer;
let results: AuditResult[];
beforeAll(async () => {
  server = await startTestServer();
  const { secret } = await server.mintKey({ scopes: ['admin'] });
  const fetchFn: typeof fetch = (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${secret}`);
    return fetch(input, { ...init, headers });
  };
  results = [];
  // One at a time: the suite is small, and sequential runs keep failures readable.
  for (const audit of serverAudits({ url: server.url, fetchFn })) results.push(await audit.fn());
}, 30_000);
afterAll(() => server.close());

const failing = (level: string) =>
  Object.fromEntries(results.filter((r) => r.name.startsWith(level) && r.status !== 'ok').map((r) => [r.name, r.status === 'ok' ? '' : r.reason]));

it('runs the whole suite', () => {
  expect(results.length).toBeGreaterThan(50);
  expect(results.some((r) => r.name.startsWith('MUST'))).toBe(true);
});

it('passes every MUST', () => {
  expect(failing('MUST')).toEqual({});
});

it('fails exactly the documented SHOULD and MAY audits', () => {
  const names = Object.keys({ ...failing('SHOULD'), ...failing('MAY') }).sort();
  expect(names).toEqual(Object.keys(EXPECTED_FAILURES).sort());
});

it('the GET audits fail on CSRF prevention, not on GET support', async () => {
  for (const result of results) {
    if (result.status === 'ok' || EXPECTED_FAILURES[result.name] !== 'CSRF prevention') continue;
    expect(result.response.status).toBe(400);
    const body = (await result.response.clone().json()) as { errors: { message: string; extensions?: { code?: string } }[] };
    expect(body.errors[0]!.extensions?.code).toBe('BAD_REQUEST');
    expect(body.errors[0]!.message).toMatch(/CSRF/);
  }
});
