import { Account } from '../../src/db/entities';
import { writeTransaction } from '../../src/db/write-transaction';
import { createTestDatabase, type TestDatabase } from '../support/database';

// Other work arriving while a write transaction is open must neither join it
// nor see inside it. On SQLite (one shared connection in TypeORM) that needs
// the gate in writeTransaction; on MariaDB separate connections give it.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

it('a write made during an open transaction survives its rollback, and a read then sees none of it', async () => {
  const accounts = db.dataSource.getRepository(Account);
  let entered!: () => void;
  let finish!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const hold = new Promise<void>((resolve) => (finish = resolve));

  const refused = writeTransaction(db.dataSource, async (manager) => {
    await manager.getRepository(Account).save({ slug: 'uncommitted', name: 'rolled back' });
    entered();
    await hold;
    throw new Error('refused');
  });
  await inside;
  const write = accounts.save({ slug: 'outside', name: 'a plain write' });
  const read = accounts.findOneBy({ slug: 'uncommitted' });
  finish();

  await expect(refused).rejects.toThrow('refused');
  await write;
  expect(await read).toBeNull();
  expect(await accounts.findOneBy({ slug: 'outside' })).not.toBeNull();
  expect(await accounts.findOneBy({ slug: 'uncommitted' })).toBeNull();
});
