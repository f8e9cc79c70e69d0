import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createApp, type App } from '../../src/app';
import { runCli } from '../../src/cli/program';
import { loadConfig } from '../../src/config';
import { Account, ApiKey } from '../../src/db/entities';
import { createTestDatabase, type TestDatabase } from '../support/database';

const KEY = /^sk_live_[0-9A-Za-z]{38}$/;
const ROOT = resolve(__dirname, '../..');
// Revocation from the CLI happens in another process, so a server that verified the
// key a moment ago serves it from its cache for up to KEY_CACHE_TTL_MS (5 s by
// default); a short TTL keeps that window, and this test, quick.
const KEY_CACHE_TTL_MS = 200;

let db: TestDatabase;
let app: App;
let url: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: db.url, KEY_CACHE_TTL_MS: String(KEY_CACHE_TTL_MS) });
  app = await createApp(config, db.dataSource);
  url = `${await app.http.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
});
afterAll(async () => {
  await app.http.close();
  await db.drop();
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { DATABASE_URL: db.url },
  });
  return { code, stdout, stderr };
}

async function viewer(key: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ viewer { account { name } effectiveScopes } }' }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const keyCount = () => db.dataSource.getRepository(ApiKey).count();
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('scopeql keys create', () => {
  let root: string;

  it('prints the new key alone on stdout and talks on stderr', async () => {
    const run = await cli('keys', 'create', '--account', 'acme', '--name', 'root', '--scopes', 'admin');
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    root = run.stdout.trimEnd();
    expect(root).toMatch(KEY);
    expect(run.stderr).toMatch(/Created secret key "root"/);
    expect(run.stderr).not.toContain(root);
  });

  it('creates the account once and reuses it', async () => {
    const accounts = await db.dataSource.getRepository(Account).findBy({ slug: 'acme' });
    expect(accounts).toHaveLength(1);
    const again = await cli('keys', 'create', '--account', 'acme', '--name', 'reader', '--scopes', 'products:read,bookings:read');
    expect(again.code).toBe(0);
    expect(await db.dataSource.getRepository(Account).countBy({ slug: 'acme' })).toBe(1);
    const keys = await db.dataSource.getRepository(ApiKey).find({ order: { id: 'ASC' } });
    expect(keys.map((k) => k.accountId)).toEqual([accounts[0]!.id, accounts[0]!.id]);
    expect(keys[1]!.scopes).toEqual(['products:read', 'bookings:read']);
  });

  it('mints a key that works against the server', async () => {
    const res = await viewer(root);
    expect(res.status).toBe(200);
    expect(res.body.data.viewer.account.name).toBe('acme');
    expect(res.body.data.viewer.effectiveScopes).toContain('admin');
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown scope', ['--scopes', 'bookings:reed'], /bookings:reed[\s\S]*bookings:read/],
    ['an unknown bundle', ['--bundles', 'everything'], /everything/],
    ['a bad --type', ['--type', 'public', '--scopes', 'products:read'], /--type/],
    ['a bad --expires-at', ['--expires-at', 'tomorrow', '--scopes', 'products:read'], /--expires-at/],
    ['a publishable key with a write scope', ['--type', 'publishable', '--scopes', 'products:write'], /products:write/],
    ['a bad allowlist entry', ['--scopes', 'products:read', '--ip-allowlist', '10.0.0.0/33'], /10\.0\.0\.0\/33/],
  ])('refuses %s: exit 1, a message on stderr, nothing on stdout, no key', async (_label, args, message) => {
    const before = await keyCount();
    const run = await cli('keys', 'create', '--account', 'acme', '--name', 'bad', ...args);
    expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(message) });
    expect(await keyCount()).toBe(before);
  });

  it('leaves no new account behind when the key is refused', async () => {
    const run = await cli('keys', 'create', '--account', 'typo-corp', '--name', 'bad', '--scopes', 'bookings:reed');
    expect(run.code).toBe(1);
    expect(await app.services.repos.accounts.findBySlug('typo-corp')).toBeNull();
  });

  it('requires --account', async () => {
    const run = await cli('keys', 'create', '--name', 'orphan', '--scopes', 'admin');
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--account');
  });

  it('stops on a bad DATABASE_URL with a message naming it', async () => {
    let stderr = '';
    const code = await runCli(['keys', 'list', '--account', 'acme'], {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      env: { DATABASE_URL: 'postgres://localhost/scopeql' },
    });
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL');
  });
});

describe('scopeql keys list and revoke', () => {
  let secret: string;
  let line: string;

  beforeAll(async () => {
    secret = (await cli('keys', 'create', '--account', 'acme', '--name', 'doomed', '--scopes', 'products:read')).stdout.trim();
    expect(secret).toMatch(KEY);
  });

  it('lists id, prefix and status, never the secret', async () => {
    const run = await cli('keys', 'list', '--account', 'acme');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(secret.slice(12));
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(await keyCount());
    line = lines.find((l) => l.split('\t')[1] === secret.slice(0, 12))!;
    expect(line.split('\t')).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]+$/), secret.slice(0, 12), 'ACTIVE', 'SECRET', 'doomed', 'products:read']);
  });

  it('refuses to list an unknown account', async () => {
    const run = await cli('keys', 'list', '--account', 'nobody');
    expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('nobody') });
  });

  it('revoke stops the key: its next request fails KEY_REVOKED', async () => {
    expect((await viewer(secret)).status).toBe(200);
    const id = line.split('\t')[0]!;
    const run = await cli('keys', 'revoke', id, '--account', 'acme');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Revoked key "doomed"');

    await sleep(KEY_CACHE_TTL_MS + 50);
    const res = await viewer(secret);
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('KEY_REVOKED');
    expect((await cli('keys', 'list', '--account', 'acme')).stdout).toContain(`${id}\t${secret.slice(0, 12)}\tREVOKED`);
  });

  it('cannot revoke another account’s key (NOT_FOUND)', async () => {
    await cli('keys', 'create', '--account', 'globex', '--name', 'other', '--scopes', 'admin');
    const id = (await cli('keys', 'list', '--account', 'acme')).stdout.split('\t')[0]!;
    const run = await cli('keys', 'revoke', id, '--account', 'globex');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not found/);
  });
});

describe('scopeql keys roll', () => {
  const mintOne = async (name: string) => {
    const secret = (await cli('keys', 'create', '--account', 'acme', '--name', name, '--scopes', 'products:read')).stdout.trim();
    const line = (await cli('keys', 'list', '--account', 'acme')).stdout.split('\n').find((l) => l.split('\t')[1] === secret.slice(0, 12))!;
    return { secret, id: line.split('\t')[0]! };
  };
  const listed = async (id: string) =>
    (await cli('keys', 'list', '--account', 'acme')).stdout.split('\n').find((l) => l.startsWith(`${id}\t`))!.split('\t');

  it('prints the new key alone on stdout; with no grace the old one then fails KEY_EXPIRED', async () => {
    const old = await mintOne('rolled at once');
    expect((await viewer(old.secret)).status).toBe(200); // the server has it cached now

    const run = await cli('keys', 'roll', old.id, '--account', 'acme');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sk_live_[0-9A-Za-z]{38}\n$/);
    const fresh = run.stdout.trim();
    expect(run.stderr).toContain('Rolled key "rolled at once"');
    expect(run.stderr).not.toContain(fresh);
    expect((await listed(old.id)).slice(1, 3)).toEqual([fresh.slice(0, 12), 'ACTIVE']);

    await sleep(KEY_CACHE_TTL_MS + 50);
    const res = await viewer(old.secret);
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('KEY_EXPIRED');
    expect((await viewer(fresh)).status).toBe(200);
  });

  it('--grace-seconds keeps the old key working for that long', async () => {
    const old = await mintOne('rolled with grace');
    const run = await cli('keys', 'roll', old.id, '--account', 'acme', '--grace-seconds', '3600');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('3600 seconds');
    await sleep(KEY_CACHE_TTL_MS + 50);
    expect((await viewer(old.secret)).status).toBe(200);
    expect((await viewer(run.stdout.trim())).status).toBe(200);
  });

  it.each<[string, string[], RegExp]>([
    ['a --grace-seconds that is not a number', ['--grace-seconds', 'soon'], /--grace-seconds/],
    ['a --grace-seconds over 7 days', ['--grace-seconds', '604801'], /graceSeconds/],
  ])('refuses %s: exit 1, nothing on stdout, the key unchanged', async (_label, args, message) => {
    const old = await mintOne(`not rolled ${args[1]}`);
    const run = await cli('keys', 'roll', old.id, '--account', 'acme', ...args);
    expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(message) });
    expect((await listed(old.id))[1]).toBe(old.secret.slice(0, 12));
  });

  it('refuses to roll a revoked key', async () => {
    const old = await mintOne('revoked before roll');
    await cli('keys', 'revoke', old.id, '--account', 'acme');
    const run = await cli('keys', 'roll', old.id, '--account', 'acme');
    expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/revoked/) });
  });
});

describe('scopeql migrate', () => {
  it('reports nothing pending on a migrated database', async () => {
    const run = await cli('migrate');
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'No pending migrations.\n' });
  });
});

describe('bin/scopeql.js as a real process (needs `npm run build`)', () => {
  it('prints only the key on stdout', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      'node',
      ['bin/scopeql.js', 'keys', 'create', '--account', 'acme', '--name', 'from shell', '--scopes', 'products:read'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url } },
    );
    expect(stdout).toMatch(/^sk_live_[0-9A-Za-z]{38}\n$/);
    expect(stderr).toContain('Created secret key "from shell"');
    expect((await viewer(stdout.trim())).status).toBe(200);
  }, 30_000);
});
