/**
 * `npx scopeql scopes FILE` (issue 9): the minimal scope set of an operation,
 * offline (no database), from the same analysis as `requiredScopes`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/program';

const ROOT = resolve(__dirname, '../..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scopeql-scopes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  // No DATABASE_URL: the command must not need one.
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} });
  return { code, stdout, stderr };
}

const BOOK = `mutation Book($input: CreateBookingInput!, $withCustomer: Boolean = true) {
  createBooking(input: $input) {
    booking { id reference product { name } customer @include(if: $withCustomer) { email } }
  }
}`;

describe('scopeql scopes', () => {
  it('prints the minimal scope set, one per line in catalog order, and nothing else', async () => {
    const run = await cli('scopes', file('book.graphql', BOOK));
    expect(run).toEqual({ code: 0, stdout: 'products:read\ncustomers:read\nbookings:read\nbookings:create\n', stderr: '' });
  });

  it('reads @skip/@include variables from --variables', async () => {
    const run = await cli('scopes', file('book.graphql', BOOK), '--variables', '{"withCustomer": false}');
    expect(run.stdout).toBe('products:read\nbookings:read\nbookings:create\n');
  });

  it('--verbose adds every path, its requirement and where it comes from', async () => {
    const run = await cli('scopes', file('book.graphql', BOOK), '--verbose');
    expect(run.code).toBe(0);
    const [scopes, table] = run.stdout.split('\n\n');
    expect(scopes).toBe('products:read\ncustomers:read\nbookings:read\nbookings:create');
    expect(table!.trimEnd().split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['path', 'requires', 'from'],
      ['createBooking', 'bookings:create', 'Mutation.createBooking'],
      ['createBooking.booking.id', 'bookings:read', 'Booking.id'],
      ['createBooking.booking.reference', 'bookings:read', 'Booking.reference'],
      ['createBooking.booking.product', 'bookings:read + products:read', 'Booking.product'],
      ['createBooking.booking.product.name', 'products:read', 'Product.name'],
      ['createBooking.booking.customer', 'bookings:read + customers:read', 'Booking.customer'],
      ['createBooking.booking.customer.email', 'customers:read', 'Customer.email'],
    ]);
  });

  it('--json prints the whole report', async () => {
    const run = await cli('scopes', file('export.graphql', 'query Export { bookings { edges { node { reference } } } }'), '--json');
    expect(JSON.parse(run.stdout)).toEqual({
      operationName: 'Export',
      operationType: 'query',
      minimalScopes: ['bookings:read'],
      fields: [
        { path: 'bookings', requiredScopes: [['bookings:read']], where: ['Query.bookings'] },
        { path: 'bookings.edges.node.reference', requiredScopes: [['bookings:read']], where: ['Booking.reference'] },
      ],
      exact: true,
    });
  });

  it('--operation picks one of several operations; without it, several are refused', async () => {
    const path = file('two.graphql', 'query A { products { edges { cursor } } } query B { reports { __typename } }');
    expect((await cli('scopes', path, '--operation', 'B')).stdout).toBe('reports:read\n');
    const run = await cli('scopes', path);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/2 operations: name one/);
  });

  it('says so when the operation needs no scope', async () => {
    const run = await cli('scopes', file('public.graphql', '{ viewer { effectiveScopes } scopes { name } }'));
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'No scope needed: every field the operation selects is open to any key.\n' });
  });

  it.each<[string, () => string[], RegExp]>([
    ['an unreadable file', () => [join(dir, 'missing.graphql')], /^error: cannot read .*missing\.graphql: ENOENT/],
    ['a syntax error', () => [file('broken.graphql', '{ products {')], /^error: .*broken\.graphql:1:13: Syntax Error/],
    ['an unknown field, with a hint (the operator is trusted)', () => [file('typo.graphql', '{ produts { edges { cursor } } }')], /typo\.graphql:1:3: Cannot query field "produts" on type "Query"\. Did you mean "products"\?/],
    ['bad --variables', () => [file('ok.graphql', '{ scopes { name } }'), '--variables', '{nope'], /--variables must be a JSON object/],
  ])('fails with exit code 1 and one clear message on %s', async (_case, args, message) => {
    const run = await cli('scopes', ...args());
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(message);
  });

  it('as a real process: exit codes and stdout', async () => {
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    const env = { ...process.env, DATABASE_URL: 'mysql://nobody@192.0.2.1:1/none' }; // never opened
    const ok = await promisify(execFile)(tsx, ['src/cli/main.ts', 'scopes', file('book.graphql', BOOK)], { cwd: ROOT, env });
    expect(ok.stdout).toBe('products:read\ncustomers:read\nbookings:read\nbookings:create\n');
    const failed = await promisify(execFile)(tsx, ['src/cli/main.ts', 'scopes', file('typo.graphql', '{ produts { edges { cursor } } }')], { cwd: ROOT, env }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect(failed.stderr).toMatch(/Cannot query field "produts"/);
  }, 30_000);
});
