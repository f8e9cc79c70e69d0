import { createConnection } from 'mysql2/promise';
import { Product } from '../../src/db/entities';
import { writeTransaction } from '../../src/db/write-transaction';
import { testDatabaseKind } from '../support/database';
import { createDomainFixture, type DomainFixture } from './fixtures';

/**
 * The guarantees the booking rules stand on, tested on the helper itself:
 * serialized read-modify-write, all-or-nothing, and the engine-specific
 * behaviour its comment promises (SQLite's write lock from the first
 * statement; READ COMMITTED on MariaDB).
 */
let f: DomainFixture;
beforeAll(async () => {
  f = await createDomainFixture();
});
afterAll(() => f.db.drop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newProduct = () => f.services.products.create(f.acme, { name: 'Counter', priceCents: 0, capacity: 1 });
const capacityOf = async (id: number) => (await f.db.dataSource.getRepository(Product).findOneByOrFail({ id })).capacity;

it('serializes read-modify-write on a locked row: no lost update among 10 concurrent ones', async () => {
  const { id } = await newProduct();
  await Promise.all(
    Array.from({ length: 10 }, () =>
      writeTransaction(f.db.dataSource, async (manager) => {
        const row = await f.services.repos.products.lockInAccount(manager, f.acme, id);
        await sleep(5); // let the others run into the same row
        await f.services.repos.products.update(manager, f.acme, id, { capacity: row!.capacity + 1 });
      }),
    ),
  );
  expect(await capacityOf(id)).toBe(11);
});

it('writes nothing of a failed transaction, and later ones still run', async () => {
  const { id } = await newProduct();
  const failing = writeTransaction(f.db.dataSource, async (manager) => {
    await f.services.repos.products.update(manager, f.acme, id, { capacity: 99 });
    throw new Error('boom');
  });
  const next = writeTransaction(f.db.dataSource, async (manager) => {
    await f.services.repos.products.update(manager, f.acme, id, { name: 'After' });
  });
  await expect(failing).rejects.toThrow('boom');
  await next;
  expect(await f.db.dataSource.getRepository(Product).findOneByOrFail({ id })).toMatchObject({ capacity: 1, name: 'After' });
});

if (testDatabaseKind === 'sqlite') {
  const file = () => f.db.url.slice('sqlite:'.length);
  /** A second connection, as another process would have. better-sqlite3 ships no types; TypeORM holds the loaded module. */
  type RawConnection = { pragma(sql: string): unknown; exec(sql: string): unknown; close(): void };
  const openOtherConnection = (): RawConnection => {
    const { sqlite: BetterSqlite3 } = f.db.dataSource.driver as unknown as { sqlite: new (file: string) => RawConnection };
    return new BetterSqlite3(file());
  };

  it('holds SQLite’s write lock from its first statement (BEGIN IMMEDIATE semantics)', async () => {
    const otherProcess = openOtherConnection();
    otherProcess.pragma('busy_timeout = 0');
    try {
      await writeTransaction(f.db.dataSource, async (manager) => {
        await manager.getRepository(Product).count(); // a read only, so far
        expect(() => otherProcess.exec('BEGIN IMMEDIATE')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
      });
      otherProcess.exec('BEGIN IMMEDIATE');
      otherProcess.exec('ROLLBACK');
    } finally {
      otherProcess.close();
    }
  });

  it('waits for a transaction opened outside the helper instead of nesting in it as a savepoint', async () => {
    const { id } = await newProduct();
    const foreign = f.db.dataSource.transaction(async (manager) => {
      await manager.getRepository(Product).update({ id }, { capacity: 50 });
      await sleep(30);
      throw new Error('foreign rollback');
    });
    const ours = writeTransaction(f.db.dataSource, async (manager) => {
      await f.services.repos.products.update(manager, f.acme, id, { name: 'Ours' });
    });
    await expect(foreign).rejects.toThrow('foreign rollback');
    await ours;
    expect(await f.db.dataSource.getRepository(Product).findOneByOrFail({ id })).toMatchObject({ name: 'Ours', capacity: 1 });
  });
} else {
  it('reads what other connections committed meanwhile (READ COMMITTED)', async () => {
    const other = await createConnection(f.db.url);
    try {
      await writeTransaction(f.db.dataSource, async (manager) => {
        const before = await manager.getRepository(Product).count();
        await other.query('INSERT INTO product (accountId, name, priceCents, capacity) VALUES (?, ?, 0, 1)', [f.acme, 'Committed elsewhere']);
        expect(await manager.getRepository(Product).count()).toBe(before + 1);
      });
    } finally {
      await other.end();
    }
  });

  it('retries the whole callback when InnoDB picks it as a deadlock victim', async () => {
    const a = await newProduct();
    const b = await newProduct();
    let attempts = 0;
    // Opposite lock orders with a pause in between: a textbook deadlock.
    const lockBoth = (first: number, second: number) =>
      writeTransaction(f.db.dataSource, async (manager) => {
        attempts += 1;
        await f.services.repos.products.lockInAccount(manager, f.acme, first);
        await sleep(50);
        await f.services.repos.products.lockInAccount(manager, f.acme, second);
        await f.services.repos.products.update(manager, f.acme, first, { capacity: (await capacityOf(first)) + 1 });
      });
    await Promise.all([lockBoth(a.id, b.id), lockBoth(b.id, a.id)]);
    expect(attempts).toBe(3);
    expect([await capacityOf(a.id), await capacityOf(b.id)]).toEqual([2, 2]);
  });
}
