/**
 * Issue 7 item 8: the real server (`node dist/src/main.js`, built by `npm
 * test`'s pretest or `npm run build`) on its own database. On SIGTERM it stops
 * accepting, finishes the request in flight, flushes the buffered request log
 * rows and the lastUsedAt write, stops the webhook worker, closes the pool and
 * exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config';
import { ApiKey, RequestLog } from '../../src/db/entities';
import { createServices } from '../../src/services';
import { createTestDatabase, type TestDatabase } from '../support/database';

const MAIN = join(__dirname, '../../dist/src/main.js');
const QUERY = JSON.stringify({ query: 'query Slow { viewer { account { name } } }' });

let db: TestDatabase;
let child: ChildProcess | undefined;
let output = '';
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await db?.drop();
});

/** Starts the server and resolves with its GraphQL URL once it listens. */
function startServer(env: Record<string, string> = {}): Promise<string> {
  output = '';
  child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      // Rows stay in memory until shutdown, so finding them afterwards proves the flush.
      REQUEST_LOG_FLUSH_MS: '60000',
      REQUEST_LOG_BATCH_SIZE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ScopeQL serving (http:\/\/[^ ]+\/graphql)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}

const exited = (proc: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once('exit', (code, signal) => resolve({ code, signal }));
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('SIGTERM: the in-flight request is answered, logs and lastUsedAt land, exit 0', async () => {
  expect(existsSync(MAIN)).toBe(true);
  db = await createTestDatabase();
  const services = createServices(db.dataSource, defaultConfig);
  const account = await services.repos.accounts.findOrCreate('acme', 'acme');
  const { key, secret } = await services.keys.create({ kind: 'operator', accountId: account.id }, { name: 'root', scopes: ['admin'] });
  const url = await startServer();
  const proc = child!;

  for (let i = 0; i < 3; i++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: `query Quick${i} { viewer { account { name } } }` }),
    });
    expect(res.status).toBe(200);
  }

  // The slow request: headers and half the body now, the rest after SIGTERM.
  const { port } = new URL(url);
  const slow = request({
    host: '127.0.0.1',
    port,
    path: '/graphql',
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(QUERY), authorization: `Bearer ${secret}` },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    slow.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    slow.on('error', reject);
  });
  slow.write(QUERY.slice(0, 10));
  await sleep(200);

  proc.kill('SIGTERM');
  await sleep(300);
  expect(proc.exitCode).toBeNull(); // still draining: the slow request holds it open
  // No new connections once shutting down.
  await expect(fetch(url, { method: 'POST', body: QUERY })).rejects.toThrow();

  slow.end(QUERY.slice(10));
  const response = await answered;
  expect(response.status).toBe(200);
  expect(JSON.parse(response.body)).toMatchObject({ data: { viewer: { account: { name: 'acme' } } } });

  expect(await exited(proc)).toEqual({ code: 0, signal: null });
  expect(output).toContain('SIGTERM: shutting down');
  expect(output).toContain('shut down cleanly');

  const rows = await db.dataSource.getRepository(RequestLog).find({ where: { apiKeyId: key.id }, order: { id: 'ASC' } });
  expect(rows.map((r) => r.operationName).sort()).toEqual(['Quick0', 'Quick1', 'Quick2', 'Slow']);
  expect(rows.every((r) => r.outcome === 'OK')).toBe(true);
  const stored = await db.dataSource.getRepository(ApiKey).findOneByOrFail({ id: key.id });
  expect(stored.lastUsedAt).not.toBeNull();
}, 30_000);

it('SIGTERM on an idle server exits 0 at once', async () => {
  db = await createTestDatabase();
  await startServer();
  const started = Date.now();
  child!.kill('SIGTERM');
  expect(await exited(child!)).toEqual({ code: 0, signal: null });
  expect(Date.now() - started).toBeLessThan(5_000);
}, 30_000);

it('SIGTERM with a request that never finishes: exits 1 once SHUTDOWN_GRACE_MS has passed', async () => {
  db = await createTestDatabase();
  const url = await startServer({ SHUTDOWN_GRACE_MS: '500' });
  // Headers and part of a body that never comes: the drain cannot finish.
  const { port } = new URL(url);
  const stuck = request({
    host: '127.0.0.1',
    port,
    path: '/graphql',
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(QUERY) },
  });
  stuck.on('error', () => undefined);
  stuck.write(QUERY.slice(0, 10));
  await sleep(200);
  child!.kill('SIGTERM');
  expect(await exited(child!)).toEqual({ code: 1, signal: null });
  expect(output).toContain('shutdown took longer than 500 ms: exiting');
  stuck.destroy();
}, 30_000);
