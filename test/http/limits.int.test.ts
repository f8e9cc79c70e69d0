/**
 * Query limits (issue 7 item 1): depth, cost, aliases, directives and tokens are
 * refused before execution with QUERY_TOO_COMPLEX and 400, naming the limit and
 * the value; field suggestions never reach a client.
 */
import { startTestServer, type TestServer } from '../support/server';
import { onlyError, type Response } from './helpers';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.mintKey({ scopes: ['admin'] })).secret;
});
afterAll(() => server.close());

function expectTooComplex(res: Response, message: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.body).not.toHaveProperty('data');
  const error = onlyError(res);
  expect(error.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  expect(error.message).toMatch(message);
}

/** customer { bookings { edges { node { ... } } } }, `levels` times. */
function nested(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `customer { bookings(first: 1) { edges { node { ${inner} } } } }`;
  return `{ bookings(first: 1) { edges { node { ${inner} } } } }`;
}

describe('query limits (defaults)', () => {
  it('refuses a query deeper than QUERY_MAX_DEPTH (12)', async () => {
    expectTooComplex(await server.graphql(nested(3), { key: admin }), /^Query depth \d+ exceeds the limit of 12$/);
  });

  it('accepts a query within every limit', async () => {
    const res = await server.graphql(nested(1), { key: admin });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('refuses a query whose cost exceeds QUERY_MAX_COST (5000), reading first from variables', async () => {
    const query = 'query Q($n: Int) { customers(first: $n) { edges { node { bookings(first: $n) { edges { node { id } } } } } } }';
    const cheap = await server.graphql(query, { key: admin, variables: { n: 10 } });
    expect(cheap.status).toBe(200);
    expect(cheap.body.errors).toBeUndefined();
    // 1 + 100 * (edges 1 + node 1 + bookings (1 + 100 * 2)) = 20301
    expectTooComplex(await server.graphql(query, { key: admin, variables: { n: 100 } }), /^Query cost 20301 exceeds the limit of 5000$/);
  });

  it('refuses more aliases than QUERY_MAX_ALIASES (15)', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: effectiveScopes`).join(' ');
    expectTooComplex(await server.graphql(`{ viewer { ${aliases} } }`, { key: admin }), /^Alias count 16 exceeds the limit of 15$/);
  });

  it('refuses more directives than QUERY_MAX_DIRECTIVES (50)', async () => {
    const fields = Array.from({ length: 51 }, () => 'effectiveScopes @include(if: true)').join(' ');
    expectTooComplex(await server.graphql(`{ viewer { ${fields} } }`, { key: admin }), /^Directive count 51 exceeds the limit of 50$/);
  });

  it('refuses a document longer than QUERY_MAX_TOKENS (2000)', async () => {
    const fields = Array.from({ length: 2100 }, () => 'effectiveScopes').join(' ');
    expectTooComplex(await server.graphql(`{ viewer { ${fields} } }`, { key: admin }), /^Token count exceeds the limit of 2000$/);
  });

  it('authenticates first: an unauthenticated over-limit query is a 401', async () => {
    const res = await server.graphql(nested(3));
    expect(res.status).toBe(401);
    expect(onlyError(res).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('never runs a refused mutation', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `c${i}: createCustomer(input: { name: "N${i}", email: "n${i}@example.com" }) { customer { id } }`);
    const before = await server.graphql('{ customers(first: 100) { edges { cursor } } }', { key: admin });
    const res = await server.graphql(`mutation { ${aliases.join(' ')} }`, { key: admin });
    expect(res.status).toBe(400);
    expect(onlyError(res).extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const after = await server.graphql('{ customers(first: 100) { edges { cursor } } }', { key: admin });
    expect(after.body.data?.customers.edges).toHaveLength(before.body.data?.customers.edges.length);
  });
});

describe('field suggestions', () => {
  it('a typo gets a validation error without "Did you mean"', async () => {
    const res = await server.graphql('{ viewer { acount { name } effectiveScope } }', { key: admin });
    expect(res.status).toBe(400);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    for (const error of res.body.errors ?? []) {
      expect(error.message).toMatch(/^Cannot query field "(acount|effectiveScope)" on type "Viewer"\.$/);
      expect(error.message).not.toMatch(/did you mean/i);
    }
  });

  it('a misspelt enum value in variables gets no suggestion either', async () => {
    const res = await server.graphql('query Q($s: ApiKeyStatus) { apiKeys(status: $s) { edges { cursor } } }', {
      key: admin,
      variables: { s: 'ACTIV' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    for (const error of res.body.errors ?? []) expect(error.message).not.toMatch(/did you mean/i);
  });
});

describe('query limits (configured)', () => {
  let strict: TestServer;
  let key: string;
  beforeAll(async () => {
    strict = await startTestServer({ QUERY_MAX_DEPTH: 3, QUERY_MAX_COST: 3, QUERY_MAX_ALIASES: 1, QUERY_MAX_DIRECTIVES: 1, QUERY_MAX_TOKENS: 20 });
    key = (await strict.mintKey({ scopes: ['admin'] })).secret;
  });
  afterAll(() => strict.close());

  it('names the configured limits', async () => {
    expectTooComplex(await strict.graphql(nested(0), { key }), /^Query depth 4 exceeds the limit of 3$/);
    // products 1 + first 3 * edges 1
    expectTooComplex(await strict.graphql('{ products(first: 3) { edges { cursor } } }', { key }), /^Query cost 4 exceeds the limit of 3$/);
    expectTooComplex(await strict.graphql('{ viewer { a: effectiveScopes b: effectiveScopes } }', { key }), /^Alias count 2 exceeds the limit of 1$/);
    expectTooComplex(
      await strict.graphql('{ viewer { effectiveScopes @include(if: true) @skip(if: false) } }', { key }),
      /^Directive count 2 exceeds the limit of 1$/,
    );
    const fields = Array.from({ length: 20 }, () => 'effectiveScopes').join(' ');
    expectTooComplex(await strict.graphql(`{ viewer { ${fields} } }`, { key }), /^Token count exceeds the limit of 20$/);
    const ok = await strict.graphql('{ viewer { effectiveScopes } }', { key });
    expect(ok.status).toBe(200);
  });
});
