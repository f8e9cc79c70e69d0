/**
 * Issue 5 item 7: how request log rows reach the database. Never on the
 * response's path, in one multi-row INSERT per batch, surviving a failing
 * database, a key deleted meanwhile and shutdown; pruned after the retention
 * period; and lastUsedAt current without a write per request.
 */
import { openDatabase } from '../../src/app';
import { ApiKey, RequestLog } from '../../src/db/entities';
import type { RequestLogValues } from '../../src/db/repositories';
import { startTestServer, type TestServer } from '../support/server';
import { logsOf } from './request-logs-support';

const VIEWER = '{ viewer { effectiveScopes } }';
const DAY = 86_400_000;

let server: TestServer;
beforeAll(async () => {
  // The timer is held back so that each test decides when rows are written (flush()).
  server = await startTestServer({ REQUEST_LOG_FLUSH_MS: 60_000, REQUEST_LOG_RETENTION_DAYS: 7, LOG_LEVEL: 'warn' }, { captureLogs: true });
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => server.close());

const isRequestLogInsert = (sql: string) => /^INSERT INTO [`"]?request_log[`"]?/i.test(sql);

it('a batch of rows is one INSERT statement', async () => {
  const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
  await server.app.services.requestLogs.flush();
  for (let i = 0; i < 5; i += 1) expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);
  const logQuery = jest.spyOn(server.db.dataSource.logger, 'logQuery');
  await server.app.services.requestLogs.flush();
  expect(logQuery.mock.calls.map(([sql]) => sql).filter(isRequestLogInsert)).toHaveLength(1);
  expect(await logsOf(server, id)).toHaveLength(5);
});

it('the response never waits for the write', async () => {
  const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
  const repo = server.app.services.repos.requestLogs;
  const insert = repo.insertMany.bind(repo);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  jest.spyOn(repo, 'insertMany').mockImplementation(async (rows) => {
    await held;
    return insert(rows);
  });
  await server.graphql(VIEWER, { key: secret });
  const writing = server.app.services.requestLogs.flush();
  // The database "hangs" on the first batch; requests are answered all the same.
  for (let i = 0; i < 3; i += 1) expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);
  release();
  await writing;
  expect(await logsOf(server, id)).toHaveLength(4);
});

it('a failed write is logged, fails no request, and its rows are written by the next flush', async () => {
  const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
  jest.spyOn(server.app.services.repos.requestLogs, 'insertMany').mockRejectedValueOnce(new Error('connection lost'));
  expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);
  await expect(server.app.services.requestLogs.flush()).resolves.toBeUndefined();
  expect(server.logOutput()).toContain('request log: write failed; rows kept for a retry');
  expect(server.app.services.requestLogs.stats.buffered).toBe(1);
  expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);
  expect(await logsOf(server, id)).toHaveLength(2);
  expect(server.logOutput()).toContain('request log: writes resumed');
});

it('rows of a key deleted before they were written are dropped; the others of the batch land', async () => {
  const gone = await server.mintKey({ scopes: ['products:read'] });
  const kept = await server.mintKey({ scopes: ['products:read'] });
  await server.app.services.requestLogs.flush();
  await server.graphql(VIEWER, { key: gone.secret });
  await server.graphql(VIEWER, { key: kept.secret });
  await server.db.dataSource.getRepository(ApiKey).delete({ id: gone.id });
  await server.app.services.requestLogs.flush();
  expect(await logsOf(server, kept.id)).toHaveLength(1);
  expect(await logsOf(server, gone.id)).toEqual([]);
  expect(server.app.services.requestLogs.stats.buffered).toBe(0);
});

it('deleting a key deletes its request logs (foreign key cascade)', async () => {
  const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
  await server.graphql(VIEWER, { key: secret });
  expect(await logsOf(server, id)).toHaveLength(1);
  await server.db.dataSource.getRepository(ApiKey).delete({ id });
  expect(await server.db.dataSource.getRepository(RequestLog).countBy({ apiKeyId: id })).toBe(0);
});

describe('retention', () => {
  const rowAt = (apiKeyId: number, accountId: number, at: Date): RequestLogValues => ({
    apiKeyId,
    accountId,
    at,
    operationName: null,
    rootFields: [],
    outcome: 'OK',
    durationMs: 1,
    clientAddress: '127.0.0.1',
  });

  it('prune(now) deletes the rows older than REQUEST_LOG_RETENTION_DAYS, and only those', async () => {
    const { id } = await server.mintKey({ scopes: ['products:read'] });
    const { id: accountId } = await server.account();
    const now = new Date();
    await server.app.services.repos.requestLogs.insertMany([
      rowAt(id, accountId, new Date(now.getTime() - 30 * DAY)),
      rowAt(id, accountId, new Date(now.getTime() - 7 * DAY - 1_000)),
      rowAt(id, accountId, new Date(now.getTime() - 7 * DAY + 60_000)),
      rowAt(id, accountId, now),
    ]);
    expect(await server.app.services.requestLogs.prune(now)).toBe(2);
    expect((await logsOf(server, id)).map((r) => r.at.getTime())).toEqual([now.getTime() - 7 * DAY + 60_000, now.getTime()]);
  });

  it('prunes in chunks, however many rows are due', async () => {
    const { id } = await server.mintKey({ scopes: ['products:read'] });
    const { id: accountId } = await server.account();
    const old = new Date(Date.now() - 10 * DAY);
    for (let i = 0; i < 5; i += 1) {
      await server.app.services.repos.requestLogs.insertMany(Array.from({ length: 500 }, () => rowAt(id, accountId, old)));
    }
    expect(await server.app.services.requestLogs.prune(new Date())).toBe(2_500);
    expect(await logsOf(server, id)).toEqual([]);
  });
});

it('20 requests in a row write lastUsedAt once, and it is set from the first', async () => {
  const { id, secret } = await server.mintKey({ scopes: ['products:read'] });
  const touch = jest.spyOn(server.app.services.repos.apiKeys, 'touchLastUsed');
  const logQuery = jest.spyOn(server.db.dataSource.logger, 'logQuery');
  const before = Date.now();

  expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);
  await touch.mock.results[0]?.value; // the write is fire-and-forget: wait for it here, not in the request
  const key = await server.db.dataSource.getRepository(ApiKey).findOneByOrFail({ id });
  expect(key.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(before - 1_000);

  for (let i = 0; i < 19; i += 1) expect((await server.graphql(VIEWER, { key: secret })).status).toBe(200);
  const updates = logQuery.mock.calls.map(([sql]) => sql).filter((sql) => /^UPDATE [`"]?api_key[`"]?\s/i.test(sql));
  expect(updates).toHaveLength(1);
  expect(touch).toHaveBeenCalledTimes(1);
});

it('app.close() writes the buffered rows before the database closes', async () => {
  const own = await startTestServer({ REQUEST_LOG_FLUSH_MS: 60_000 });
  try {
    const { id, secret } = await own.mintKey({ scopes: ['products:read'] });
    await own.graphql(VIEWER, { key: secret });
    expect(own.app.services.requestLogs.stats.buffered).toBe(1);
    await own.app.close();
    expect(own.db.dataSource.isInitialized).toBe(false);

    const reopened = await openDatabase({ DATABASE_URL: own.db.url, MIGRATIONS_RUN: false });
    try {
      expect(await reopened.getRepository(RequestLog).countBy({ apiKeyId: id })).toBe(1);
    } finally {
      await reopened.destroy();
    }
  } finally {
    await own.db.drop();
  }
});
