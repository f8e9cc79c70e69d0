/**
 * RequestLogRepository.insertMany builds its INSERT itself rather than through
 * TypeORM's InsertQueryBuilder (which cost CPU on every flush). These check
 * that it stores what the builder stored, byte for byte, on both engines; that
 * a batch too big for one statement is split yet lands exactly once; and that
 * a batch the database refuses lands not at all, which the write-behind
 * buffer's retry relies on.
 */
import type { DataSource } from 'typeorm';
import { Account, ApiKey, RequestLog } from '../../src/db/entities';
import { RequestLogRepository, type RequestLogValues } from '../../src/db/repositories';
import { RequestLogService } from '../../src/domain/request-logs/request-log-service';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/database';

/** SQLITE_MAX_VARIABLE_NUMBER of the bundled SQLite / 9 columns: one row more than one statement may hold. */
const ROWS_PAST_PARAMETER_LIMIT = Math.floor(32_766 / 9) + 1;
const COLUMNS = ['accountId', 'at', 'operationName', 'rootFields', 'scopesUsed', 'outcome', 'durationMs', 'clientAddress'];

let db: TestDatabase;
let repo: RequestLogRepository;
let accountId: number;
let keyIds: number[];

beforeAll(async () => {
  db = await createTestDatabase();
  repo = new RequestLogRepository(db.dataSource);
  ({ id: accountId } = await db.dataSource.getRepository(Account).save({ slug: 'acme', name: 'Acme' }));
  keyIds = [];
  for (let i = 0; i < 4; i += 1) keyIds.push((await saveKey(db.dataSource, accountId, `key ${i}`)).id);
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => db.drop());

function saveKey(dataSource: DataSource, accountId: number, name: string): Promise<ApiKey> {
  return dataSource.getRepository(ApiKey).save({
    accountId,
    name,
    type: 'SECRET' as const,
    prefix: 'sk_test',
    scopes: [],
    bundles: [],
    expiresAt: null,
    ipAllowlist: null,
    allowedOrigins: null,
    createdById: null,
    lastUsedAt: null,
    revokedAt: null,
  });
}

const row = (apiKeyId: number, extra: Partial<RequestLogValues> = {}): RequestLogValues => ({
  apiKeyId,
  accountId,
  at: new Date('2030-06-30T12:34:56.789Z'),
  operationName: 'Viewer',
  rootFields: ['viewer'],
  scopesUsed: ['products:read'],
  outcome: 'OK',
  durationMs: 3,
  clientAddress: '127.0.0.1',
  ...extra,
});

/** Every kind of value a column meets: dates to the millisecond, nulls, empty and awkward strings and lists. */
const variety = (apiKeyId: number): RequestLogValues[] => [
  row(apiKeyId),
  row(apiKeyId, { at: new Date('2030-01-01T00:00:00.000Z'), operationName: null, rootFields: [], scopesUsed: [] }),
  row(apiKeyId, { at: new Date('2029-12-31T23:59:59.999Z'), scopesUsed: null, durationMs: 0 }),
  // Left out: stored as null ("not recorded"), as the type says.
  row(apiKeyId, { at: new Date('2030-02-03T04:05:06.001Z'), scopesUsed: undefined }),
  row(apiKeyId, {
    operationName: "O'Brien \"quoted\" back\\slash; -- ?",
    rootFields: ['a', 'b"c', "d'e", 'f\\g', '?', ':name', 'ü€😀'],
    scopesUsed: ['bookings:create', 'bookings:read', 'customers:read'],
    outcome: 'BAD_USER_INPUT',
    durationMs: 2_147_483_647,
    clientAddress: 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
  }),
  row(apiKeyId, { operationName: '', outcome: 'FORBIDDEN', clientAddress: '::1' }),
  row(apiKeyId, { operationName: 'Ünïcødé😀'.repeat(10), rootFields: ['x'.repeat(100)] }),
];

/** What InsertQueryBuilder stored before insertMany stopped using it: the oracle. */
async function builderInsert(dataSource: DataSource, rows: readonly RequestLogValues[]): Promise<void> {
  await dataSource
    .createQueryBuilder()
    .insert()
    .into(RequestLog)
    .values(rows.map((r) => ({ ...r })))
    .updateEntity(false)
    .execute();
}

/** The rows as the database holds them (and, on SQLite, each value's storage class), oldest first. */
async function storedRows(apiKeyId: number): Promise<Record<string, unknown>[]> {
  const { driver } = db.dataSource;
  const columns = COLUMNS.map((name) => driver.escape(name));
  const types = testDatabaseKind === 'sqlite' ? COLUMNS.map((name) => `typeof(${driver.escape(name)}) AS ${driver.escape(`${name}Type`)}`) : [];
  return db.dataSource.query(
    `SELECT ${[...columns, ...types].join(', ')} FROM ${driver.escape('request_log')} WHERE ${driver.escape('apiKeyId')} = ? ORDER BY ${driver.escape('id')}`,
    [apiKeyId],
  );
}

function logs(apiKeyId: number): Promise<RequestLog[]> {
  return db.dataSource.getRepository(RequestLog).find({ where: { apiKeyId }, order: { id: 'ASC' } });
}

function insertStatements(): { sqls: () => string[] } {
  const logQuery = jest.spyOn(db.dataSource.logger, 'logQuery');
  return { sqls: () => logQuery.mock.calls.map(([sql]) => sql).filter((sql) => /^INSERT INTO [`"]?request_log[`"]?/i.test(sql)) };
}

it('stores every column exactly as InsertQueryBuilder stored it', async () => {
  const [byBuilder, byRepository] = keyIds;
  await builderInsert(db.dataSource, variety(byBuilder));
  await repo.insertMany(variety(byRepository));
  const expected = await storedRows(byBuilder);
  expect(expected).toHaveLength(variety(0).length);
  expect(await storedRows(byRepository)).toEqual(expected);
});

it('reads back through the TypeORM repository with the values written', async () => {
  const apiKeyId = keyIds[2];
  const rows = variety(apiKeyId);
  await repo.insertMany(rows);
  const read = await logs(apiKeyId);
  expect(read.map(({ id: _id, ...values }) => values)).toEqual(rows.map((r) => ({ ...r, scopesUsed: r.scopesUsed ?? null })));
  expect(read.map((log) => log.at.toISOString())).toEqual(rows.map((r) => r.at.toISOString()));
  // null (not recorded) and [] (nothing used) stay apart.
  expect(read.map((log) => log.scopesUsed)).toEqual([['products:read'], [], null, null, rows[4].scopesUsed, ['products:read'], ['products:read']]);
});

it('an empty batch sends nothing', async () => {
  const inserts = insertStatements();
  await repo.insertMany([]);
  expect(inserts.sqls()).toEqual([]);
});

it('an ordinary batch is one statement of one placeholder group per row', async () => {
  const apiKeyId = keyIds[3];
  const inserts = insertStatements();
  await repo.insertMany(Array.from({ length: 3 }, (_, i) => row(apiKeyId, { durationMs: i })));
  const [sql, ...others] = inserts.sqls();
  expect(others).toEqual([]);
  expect(sql.match(/\(\?, \?, \?, \?, \?, \?, \?, \?, \?\)/g)).toHaveLength(3);
  expect((await logs(apiKeyId)).map((log) => log.durationMs)).toEqual([0, 1, 2]);
});

describe('a batch too big for one statement', () => {
  async function freshKey(): Promise<number> {
    return (await saveKey(db.dataSource, accountId, `key ${Math.random()}`)).id;
  }

  it('past the bound-parameter limit: split, every row written exactly once, in order', async () => {
    const apiKeyId = await freshKey();
    const rows = Array.from({ length: ROWS_PAST_PARAMETER_LIMIT + 10 }, (_, i) => row(apiKeyId, { durationMs: i, at: new Date(Date.UTC(2030, 0, 1, 0, 0, 0, i)) }));
    const inserts = insertStatements();
    await repo.insertMany(rows);
    expect(inserts.sqls()).toHaveLength(2);
    const read = await logs(apiKeyId);
    expect(read.map((log) => log.durationMs)).toEqual(rows.map((r) => r.durationMs));
    expect(read.map((log) => log.at.getTime())).toEqual(rows.map((r) => r.at.getTime()));
  });

  it('past the statement size budget (long rows): split, every row written exactly once', async () => {
    const apiKeyId = await freshKey();
    // The longest rows the service lets through: 50 root fields of 100 characters.
    const rootFields = Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(100, 'f'));
    const rows = Array.from({ length: 300 }, (_, i) => row(apiKeyId, { durationMs: i, rootFields, operationName: 'o'.repeat(200) }));
    const inserts = insertStatements();
    await repo.insertMany(rows);
    expect(inserts.sqls().length).toBeGreaterThan(1);
    const read = await logs(apiKeyId);
    expect(read.map((log) => log.durationMs)).toEqual(rows.map((r) => r.durationMs));
    expect(read.every((log) => log.rootFields.join() === rootFields.join())).toBe(true);
  });

  it.each([
    ['its first statement', 0],
    ['its last statement', ROWS_PAST_PARAMETER_LIMIT + 5],
  ])('a row the database refuses in %s: nothing of the batch is written', async (_where, at) => {
    const apiKeyId = await freshKey();
    const missingKey = (await saveKey(db.dataSource, accountId, `gone ${Math.random()}`)).id;
    await db.dataSource.getRepository(ApiKey).delete({ id: missingKey });
    const rows = Array.from({ length: ROWS_PAST_PARAMETER_LIMIT + 10 }, (_, i) => row(i === at ? missingKey : apiKeyId, { durationMs: i }));
    await expect(repo.insertMany(rows)).rejects.toThrow();
    expect(await logs(apiKeyId)).toEqual([]);
    // The same rows, the refused one left out, then land once.
    await repo.insertMany(rows.filter((_, i) => i !== at));
    expect(await db.dataSource.getRepository(RequestLog).countBy({ apiKeyId })).toBe(rows.length - 1);
  });
});

it('a row the database refuses in a one-statement batch: nothing of the batch is written', async () => {
  const apiKeyId = (await saveKey(db.dataSource, accountId, 'refused one statement')).id;
  const rows = [row(apiKeyId), row(apiKeyId, { outcome: null as unknown as string }), row(apiKeyId)];
  await expect(repo.insertMany(rows)).rejects.toThrow();
  expect(await logs(apiKeyId)).toEqual([]);
});

describe('through the write-behind buffer', () => {
  function service(batchSize: number) {
    const warn = jest.fn();
    const logs = new RequestLogService(repo, { warn }, { retentionDays: 30, flushMs: 60_000, batchSize, maxBuffered: 100_000 });
    return { logs, warn };
  }

  it('rows of a key deleted meanwhile are dropped, and the rest of a split batch land exactly once', async () => {
    const kept = (await saveKey(db.dataSource, accountId, 'buffer kept')).id;
    const gone = (await saveKey(db.dataSource, accountId, 'buffer gone')).id;
    const { logs: buffer } = service(ROWS_PAST_PARAMETER_LIMIT + 100);
    const total = ROWS_PAST_PARAMETER_LIMIT + 50;
    for (let i = 0; i < total; i += 1) buffer.record(row(i === total - 3 ? gone : kept, { durationMs: i }));
    await db.dataSource.getRepository(ApiKey).delete({ id: gone });
    await buffer.flush();
    expect(buffer.stats).toEqual({ buffered: 0, dropped: 0, failedWrites: 0 });
    const durations = (await logs(kept)).map((log) => log.durationMs);
    expect(durations).toEqual(Array.from({ length: total }, (_, i) => i).filter((i) => i !== total - 3));
    await buffer.close();
  });

  it('a batch refused for any other reason stays buffered for a retry, with nothing of it written', async () => {
    const apiKeyId = (await saveKey(db.dataSource, accountId, 'buffer refused')).id;
    const { logs: buffer, warn } = service(ROWS_PAST_PARAMETER_LIMIT + 100);
    const total = ROWS_PAST_PARAMETER_LIMIT + 50;
    // A null `at` (which the service passes through untouched): NOT NULL refuses it on both engines.
    for (let i = 0; i < total; i += 1) buffer.record(row(apiKeyId, { durationMs: i, ...(i === total - 1 ? { at: null as unknown as Date } : {}) }));
    await buffer.flush();
    expect(buffer.stats).toEqual({ buffered: total, dropped: 0, failedWrites: 1 });
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ failedWrites: 1 }), 'request log: write failed; rows kept for a retry');
    expect(await logs(apiKeyId)).toEqual([]);
    await buffer.close();
  });
});
