import type { DataSource, EntityManager } from 'typeorm';
import { Product } from '../entities';
import { isMySqlFamily } from '../write-transaction';
import { byIdsInAccount, lockedInAccount, newestFirstInAccount, type KeysetPage } from './account-scoped';

export type ProductValues = Pick<Product, 'accountId' | 'name' | 'description' | 'priceCents' | 'capacity'>;
export type ProductPatch = Partial<Pick<Product, 'name' | 'description' | 'priceCents' | 'capacity'>>;

/**
 * Reads and writes of products, always scoped by account: a row of another
 * account is simply not found. Methods that take a manager run inside the
 * caller's write transaction.
 */
export class ProductRepository {
  constructor(private readonly dataSource: DataSource) {}

  findInAccount(accountId: number, id: number, manager: EntityManager = this.dataSource.manager): Promise<Product | null> {
    return manager.getRepository(Product).findOneBy({ accountId, id });
  }

  findByIds(accountId: number, ids: readonly number[]): Promise<Product[]> {
    return byIdsInAccount(this.dataSource, Product, accountId, ids);
  }

  /**
   * Reads the product and holds it until the transaction ends, so capacity
   * checks for one product run one after another. MySQL: `FOR UPDATE`.
   * SQLite has no row locks (TypeORM refuses setLock there); writeTransaction
   * already holds the database's single write lock, which is stronger.
   */
  lockInAccount(manager: EntityManager, accountId: number, id: number): Promise<Product | null> {
    return lockedInAccount(manager, Product, 'product', accountId, id, isMySqlFamily(this.dataSource));
  }

  listInAccount(accountId: number, page: KeysetPage): Promise<Product[]> {
    return newestFirstInAccount(this.dataSource, Product, accountId, page);
  }

  async insert(manager: EntityManager, values: ProductValues): Promise<Product> {
    const { identifiers } = await manager.getRepository(Product).insert(values);
    return manager.getRepository(Product).findOneByOrFail({ id: identifiers[0]!.id as number });
  }

  async update(manager: EntityManager, accountId: number, id: number, patch: ProductPatch): Promise<void> {
    if (Object.keys(patch).length > 0) await manager.getRepository(Product).update({ accountId, id }, patch);
  }
}
