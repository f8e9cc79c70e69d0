import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The README's "Example queries" run as written: every block marked
 * `<!-- example: NAME -->` is run, in order, in one bash session (so the
 * variables one block sets reach the next), against a real server on a fresh
 * database. `npx scopeql` runs the CLI from source (the bin needs a build) and
 * the README's `http://127.0.0.1:4000` points at the test server; nothing else
 * in the blocks is changed. Each query example must answer without errors and
 * with data in every list.
 */
jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../..');
const README_URL = 'http://127.0.0.1:4000';
/** One per key type the seeded business uses; removing one from the README fails here. */
const QUERY_EXAMPLES = ['widget', 'widget-availability', 'booking-form', 'accounting', 'analytics'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function readmeExamples(): { name: string; script: string }[] {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const section = /^## Example queries\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Example queries" section');
  return [...section.matchAll(/<!-- example: ([\w-]+) -->\n```sh\n([\s\S]*?)\n```/g)].map((m) => ({ name: m[1]!, script: m[2]! }));
}

it('marks an example for each key type', () => {
  expect(readmeExamples().map((e) => e.name)).toEqual(expect.arrayContaining(['seed', 'helpers', ...QUERY_EXAMPLES]));
});

it('runs every example as written against a seeded database', async () => {
  const examples = readmeExamples();
  const base = new URL(server.url).origin;
  const script = [
    'set -eo pipefail',
    `cd '${ROOT}'`,
    `npx() { if [ "$1" = scopeql ]; then shift; '${ROOT}/node_modules/.bin/tsx' '${ROOT}/src/cli/main.ts' "$@"; else command npx "$@"; fi; }`,
    ...examples.map(({ name, script }) => `printf '\\n@@ ${name}\\n'\n${script.split(README_URL).join(base)}`),
    "printf '\\n@@ end\\n'",
  ].join('\n');

  let stdout: string;
  let stderr = '';
  try {
    ({ stdout, stderr } = await promisify(execFile)('bash', ['-c', script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: server.db.url, LOG_LEVEL: 'silent' },
      maxBuffer: 10 * 1024 * 1024,
    }));
  } catch (error) {
    throw new Error(`README examples failed: ${(error as { stderr?: string }).stderr ?? error}\nstdout: ${(error as { stdout?: string }).stdout ?? ''}`);
  }
  expect(stdout).toContain('@@ end');

  const outputs = new Map<string, string>();
  for (const part of stdout.split('\n@@ ').slice(1)) {
    const newline = part.indexOf('\n');
    outputs.set(part.slice(0, newline), part.slice(newline + 1).trim());
  }
  expect(outputs.get('seed')).toBe(''); // the seed speaks on stderr only
  expect(stderr).toMatch(/Seeded account acme: 3 products, 10 customers, 30 bookings/);

  for (const name of QUERY_EXAMPLES) {
    const body = JSON.parse(outputs.get(name) || '{}');
    expect({ name, errors: body.errors }).toEqual({ name, errors: undefined });
    expect(Object.values(body.data ?? {}).length).toBeGreaterThan(0);
    // Every root field answered, and every list has something in it.
    for (const value of Object.values(body.data)) expect(value).not.toBeNull();
    expect({ name, empty: JSON.stringify(body.data).includes('[]') }).toEqual({ name, empty: false });
  }
});
