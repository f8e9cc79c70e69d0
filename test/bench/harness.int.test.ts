import { createApp, type App } from '../../src/app';
import { benchConfig, mintKeys, READ_SCOPES, seed, TINY_SEED } from '../../bench/database';
import { TINY_SIZE } from '../../bench/fixture';
import { endToEnd, TINY_LOAD } from '../../bench/http';
import { CONTENDERS, inProcess } from '../../bench/in-process';
import { keyVerification, TINY_VERIFICATION } from '../../bench/key-verification';
import { TINY_TIMING } from '../../bench/measure';
import { memoryUnderLoad, TINY_MEMORY } from '../../bench/memory';
import { markdown, targets, type Results } from '../../bench/report';
import { countStatements, PAGE_SIZES } from '../../bench/sql-count';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * `npm run bench` in a tiny configuration (a few rows, one round, one-second
 * loads), so the harness cannot rot: every part runs, every contender answers
 * as it must (the harness checks that before timing), the report has every row,
 * and the SQL statement count does not grow with the page. Nothing here asserts
 * on time.
 */
let db: TestDatabase;
let app: App;
let key: string;
let memoryKeys: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  app = await createApp(benchConfig(db.url, { KEY_CACHE_TTL_MS: '60000', REQUEST_LOG_FLUSH_MS: '60000' }), db.dataSource);
  const { accountId } = await seed(app.services, TINY_SEED);
  [key] = await mintKeys(app.services, accountId, 1, [READ_SCOPES], 'main');
  memoryKeys = await mintKeys(app.services, accountId, TINY_MEMORY.keys, [READ_SCOPES, ['products:read']], 'memory');
}, 120_000);
afterAll(async () => {
  // app.close() flushes what the app buffered; drop() then removes the database.
  if (app) await app.close();
  await db?.drop();
});

const results: Partial<Results> & { quick: boolean; seconds: number } = { quick: true, seconds: 0 };

it('times every contender on every operation, each checked first', async () => {
  results.inProcess = await inProcess(TINY_SIZE, TINY_TIMING);
  expect(results.inProcess.map((op) => op.name)).toEqual(['list', 'deep', 'mutation']);
  for (const op of results.inProcess) {
    expect(Object.keys(op.timings).sort()).toEqual(CONTENDERS.map((c) => c.id).sort());
    for (const timed of Object.values(op.timings)) {
      expect(timed.opsPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(timed.ratio)).toBe(true);
    }
    expect(op.timings['a']!.ratio).toBe(1);
  }
  // Each contender is forked on its own: generous for a loaded machine.
}, 120_000);

it('counts as many SQL statements for a page of 100 bookings as for a page of 5', async () => {
  results.sqlCounts = await countStatements(app, key, PAGE_SIZES);
  expect(results.sqlCounts.map((c) => c.pageSize)).toEqual(PAGE_SIZES);
  // The page, with its products and customers joined.
  expect(results.sqlCounts.map((c) => c.statements)).toEqual(PAGE_SIZES.map(() => 1));
});

it('verifies keys with and without the cache', async () => {
  results.verification = await keyVerification(app.services, key, TINY_VERIFICATION);
  expect(results.verification.cachedPerSecond).toBeGreaterThan(0);
  expect(results.verification.uncachedPerSecond).toBeGreaterThan(0);
});

it('loads the server and bare Apollo over HTTP, and reads the heap under many keys, in processes of their own', async () => {
  results.endToEnd = await endToEnd(db.url, key, TINY_LOAD);
  for (const compared of [results.endToEnd.bookings, results.endToEnd.viewer]) {
    expect(compared.scopeql.requestsPerSecond).toBeGreaterThan(0);
    expect(compared.bare.requestsPerSecond).toBeGreaterThan(0);
  }
  results.memory = await memoryUnderLoad(db.url, memoryKeys, TINY_MEMORY);
  expect(results.memory.points.map((p) => p.requests)).toEqual(TINY_MEMORY.checkpoints);
}, 120_000);

it('reports every row and every target', () => {
  const report = markdown(results as Results);
  for (const contender of CONTENDERS) expect(report).toContain(`| ${contender.label} |`);
  for (const heading of ['Enforcement overhead', 'SQL statements per request', 'End to end over HTTP', 'Memory', 'Targets']) {
    expect(report).toContain(`## ${heading}`);
  }
  expect(report).toMatch(/cores, Node v\d+/);
  const listed = targets(results as Results).map((t) => t.target);
  expect(listed).toEqual(
    expect.arrayContaining([
      '(b)/(a) ≥ 0.97 on the list',
      '(c)/(a) ≥ 0.90 on the list',
      'SQL statements identical for pages of 5, 50, 100',
      'end-to-end, 20 bookings with customers, ≥ 60% of bare Apollo',
    ]),
  );
  expect(targets(results as Results).find((t) => t.target.startsWith('SQL'))!.met).toBe(true);
});
