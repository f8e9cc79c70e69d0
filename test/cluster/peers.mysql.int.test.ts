/**
 * Noticing other instances on one MariaDB database (src/cluster/peers.ts):
 * each watcher stands for one server process (a lock on a connection of its
 * own). MariaDB only: GET_LOCK is a MySQL/MariaDB feature, and SQLite runs one
 * server per file.
 */
import { PeerWatch } from '../../src/cluster/peers';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
const watches: PeerWatch[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(watches.map((w) => w.stop()));
  await db.drop();
});

function watch(redis: boolean) {
  const warnings: string[] = [];
  const log = { warn: (_: unknown, message: string) => void warnings.push(message), info: () => undefined };
  const w = new PeerWatch({ DATABASE_URL: db.url, REDIS_URL: redis ? 'redis://127.0.0.1:6379' : undefined }, log);
  watches.push(w);
  return { w, warnings };
}

it('says nothing about a single instance without REDIS_URL', async () => {
  const solo = watch(false);
  expect(await solo.w.check()).toEqual({ shared: 0, local: 0 });
  expect(solo.warnings).toEqual([]);
  await solo.w.stop();
});

it('counts the other instances by kind, warns about missing REDIS_URL, and forgets a stopped instance', async () => {
  const first = watch(true);
  expect(await first.w.check()).toEqual({ shared: 0, local: 0 });
  const second = watch(true);
  expect(await second.w.check()).toEqual({ shared: 1, local: 0 });
  expect([...first.warnings, ...second.warnings]).toEqual([]);

  const lone = watch(false);
  expect(await lone.w.check()).toEqual({ shared: 2, local: 0 });
  expect(lone.warnings).toEqual([expect.stringMatching(/^2 other ScopeQL instance\(s\) use this database but REDIS_URL is not set/)]);
  expect(await first.w.check()).toEqual({ shared: 1, local: 1 });
  expect(first.warnings).toEqual([expect.stringMatching(/^1 other ScopeQL instance\(s\) use this database without REDIS_URL/)]);
  // Said once, not at every check.
  await first.w.check();
  expect(first.warnings).toHaveLength(1);

  // A stopped (or killed) instance's lock goes with its connection.
  await lone.w.stop();
  expect(await first.w.check()).toEqual({ shared: 1, local: 0 });
});

it('watches nothing on SQLite', () => {
  expect(PeerWatch.start({ DATABASE_URL: 'sqlite:./data/x.sqlite', REDIS_URL: undefined }, { warn: () => undefined, info: () => undefined })).toBeUndefined();
});
