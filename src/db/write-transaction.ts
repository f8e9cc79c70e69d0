import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isDeadlock } from './driver-errors';

/**
 * The one way to run a write that must be atomic (several statements, or a
 * read that decides a write — the capacity check). Never nest two calls: on
 * SQLite the inner one would wait for the outer one forever.
 *
 * MySQL/MariaDB: `READ COMMITTED`, so every statement reads the latest
 * committed rows. Code that must serialize on a row locks it with
 * `SELECT ... FOR UPDATE` (e.g. the product row before a capacity check); a
 * transaction that waited for that lock then sees what the holder committed.
 * InnoDB may still pick a transaction as a deadlock victim (say, a booking
 * insert taking its FK lock on a customer row while that customer is deleted);
 * the whole callback is then retried from scratch, as the MySQL manual advises.
 *
 * SQLite — what TypeORM 1.1.1 does with better-sqlite3 (read in
 * node_modules/typeorm/driver/better-sqlite3 and sqlite-abstract):
 * - `BetterSqlite3Driver.createQueryRunner()` returns ONE shared query runner
 *   for the whole DataSource, on the one database connection. Every
 *   repository call and every `dataSource.transaction()` goes through it.
 * - `AbstractSqliteQueryRunner.startTransaction()` issues a deferred
 *   `BEGIN TRANSACTION`, and because `transactionSupport` is "nested", a second
 *   `transaction()` started while one is open does not wait: it becomes
 *   `SAVEPOINT typeorm_1` inside the first. Two concurrent requests would
 *   interleave their statements in one transaction, see each other's
 *   uncommitted rows, and one's rollback could undo the other's work.
 * - Isolation levels only toggle `PRAGMA read_uncommitted`; there is no way to
 *   ask for `BEGIN IMMEDIATE`, and `setLock('pessimistic_write')` throws
 *   LockNotSupportedOnGivenDriverError.
 * So on SQLite write transactions are queued in-process, one at a time per
 * DataSource, and each starts by taking SQLite's write lock: a write statement
 * that matches no row takes it (checked against SQLite 3.53), which gives
 * `BEGIN IMMEDIATE` semantics through TypeORM's own transaction. That matters
 * when another process (the CLI's seed, a second server) writes the same file:
 * a deferred transaction that read first could not upgrade to a writer
 * (SQLITE_BUSY_SNAPSHOT, not retried by busy_timeout), and its capacity check
 * would have read a stale snapshot.
 *
 * The queue alone could not stop other work on the shared connection from
 * landing inside an open transaction: a read would see its uncommitted rows,
 * and a plain write (a revocation, say) would join it and be rolled back with
 * a refused booking. So the shared runner is gated: while a write transaction
 * is open, a query from any other async context (told apart with
 * AsyncLocalStorage) waits for it to end, then runs on its own.
 */
export function writeTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  switch (dataSource.options.type) {
    case 'mysql':
    case 'mariadb':
      return mysqlWriteTransaction(dataSource, work);
    case 'better-sqlite3':
      return sqliteWriteTransaction(dataSource, work);
    default:
      throw new Error(`writeTransaction does not support ${dataSource.options.type}`);
  }
}

/** Row locks (`FOR UPDATE`) exist on MySQL/MariaDB only; see the SQLite notes above. */
export function isMySqlFamily(dataSource: DataSource): boolean {
  return dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
}

const MAX_DEADLOCK_ATTEMPTS = 3;

async function mysqlWriteTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await dataSource.transaction('READ COMMITTED', work);
    } catch (error) {
      if (attempt >= MAX_DEADLOCK_ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}


/** The tail of each DataSource's queue; it never rejects, so one failure does not stop the queue. */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

function sqliteWriteTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const result = previous.then(() => runImmediate(dataSource, work));
  sqliteQueues.set(dataSource, result.catch(() => undefined));
  return result;
}

async function runImmediate<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const gate = gateOf(runner);
  // A transaction opened outside this helper would swallow ours as a savepoint
  // (and a rollback of it would silently drop our committed-looking work), so
  // wait for it to end. `transaction()` marks the shared runner active
  // synchronously, so nothing can start between this check and our BEGIN.
  await untilNoTransaction(runner);
  const owner = {};
  let release!: () => void;
  gate.owner = owner;
  gate.idle = new Promise((resolve) => (release = resolve));
  try {
    return await transactionContext.run(owner, () =>
      dataSource.transaction(async (manager) => {
        // sqlite_sequence exists once any AUTOINCREMENT table does (all of ours);
        // `WHERE 0` changes nothing but still takes the write lock.
        await manager.query('UPDATE sqlite_sequence SET seq = seq WHERE 0');
        return work(manager);
      }),
    );
  } finally {
    gate.owner = undefined;
    release();
  }
}

/** Which async context owns the open write transaction; other contexts' queries wait for `idle`. */
interface Gate {
  owner: object | undefined;
  idle: Promise<void>;
}

const transactionContext = new AsyncLocalStorage<object>();
const gates = new WeakMap<QueryRunner, Gate>();

function gateOf(runner: QueryRunner): Gate {
  const existing = gates.get(runner);
  if (existing) return existing;
  const gate: Gate = { owner: undefined, idle: Promise.resolve() };
  const query = runner.query.bind(runner);
  runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
    while (gate.owner !== undefined && transactionContext.getStore() !== gate.owner) await gate.idle;
    return query(...args);
  }) as QueryRunner['query'];
  gates.set(runner, gate);
  return gate;
}

const FOREIGN_TRANSACTION_WAIT_MS = 5_000;

async function untilNoTransaction(runner: QueryRunner): Promise<void> {
  const deadline = Date.now() + FOREIGN_TRANSACTION_WAIT_MS;
  while (runner.isTransactionActive) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a transaction started outside writeTransaction');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
