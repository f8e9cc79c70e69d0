import { Brackets, type DataSource, type EntityManager } from 'typeorm';
import { Customer } from '../entities';
import { isMySqlFamily } from '../write-transaction';
import { byIdsInAccount, newestFirstInAccountQuery, type KeysetPage } from './account-scoped';

export type CustomerValues = Pick<
  Customer,
  'accountId' | 'name' | 'nameLower' | 'email' | 'emailLower' | 'phone' | 'notes'
>;
export type CustomerPatch = Partial<Omit<CustomerValues, 'accountId'>>;

/** Reads and writes of customers, always scoped by account. */
export class CustomerRepository {
  constructor(private readonly dataSource: DataSource) {}

  findInAccount(accountId: number, id: number, manager: EntityManager = this.dataSource.manager): Promise<Customer | null> {
    return manager.getRepository(Customer).findOneBy({ accountId, id });
  }

  findByIds(accountId: number, ids: readonly number[]): Promise<Customer[]> {
    return byIdsInAccount(this.dataSource, Customer, accountId, ids);
  }

  /**
   * Newest first, keyset on id. `search` is already lower-cased by the caller
   * (as nameLower/emailLower were on write) and matched as a substring of
   * either. LIKE metacharacters are escaped with `!`: a backslash would need
   * different quoting in MySQL and SQLite string literals. On MySQL the
   * comparison is made binary, otherwise utf8mb4_unicode_ci would also fold
   * accents ("zoe" finding "Zoë") and results would differ from SQLite's.
   */
  listInAccount(accountId: number, page: KeysetPage, search?: string): Promise<Customer[]> {
    const qb = newestFirstInAccountQuery(this.dataSource.getRepository(Customer), 'customer', accountId, page);
    if (search) {
      const pattern = `%${search.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      const binary = isMySqlFamily(this.dataSource) ? ' COLLATE utf8mb4_bin' : '';
      qb.andWhere(
        new Brackets((or) =>
          or
            .where(`customer.nameLower${binary} LIKE :pattern ESCAPE '!'`, { pattern })
            .orWhere(`customer.emailLower${binary} LIKE :pattern ESCAPE '!'`, { pattern }),
        ),
      );
    }
    return qb.getMany();
  }

  async insert(manager: EntityManager, values: CustomerValues): Promise<Customer> {
    const { identifiers } = await manager.getRepository(Customer).insert(values);
    return manager.getRepository(Customer).findOneByOrFail({ id: identifiers[0]!.id as number });
  }

  async update(manager: EntityManager, accountId: number, id: number, patch: CustomerPatch): Promise<void> {
    if (Object.keys(patch).length > 0) await manager.getRepository(Customer).update({ accountId, id }, patch);
  }

  /** The schema's ON DELETE SET NULL keeps the customer's bookings, with customerId null. */
  async delete(manager: EntityManager, accountId: number, id: number): Promise<void> {
    await manager.getRepository(Customer).delete({ accountId, id });
  }
}
