import type { EntityManager, EntityTarget, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';

/** A keyset page: at most `limit` rows with an id below `beforeId`. */
export interface KeysetPage {
  limit: number;
  beforeId?: number;
}

/**
 * The one list query: rows of one account, newest first, keyset-paginated on
 * id so a page boundary stays put while rows are added (an offset would shift).
 * Callers add their own filters to the builder.
 */
export function newestFirstInAccount<T extends ObjectLiteral>(
  repository: Repository<T>,
  alias: string,
  accountId: number,
  page: KeysetPage,
): SelectQueryBuilder<T> {
  const qb = repository
    .createQueryBuilder(alias)
    .where(`${alias}.accountId = :accountId`, { accountId })
    .orderBy(`${alias}.id`, 'DESC')
    .take(page.limit);
  if (page.beforeId !== undefined) qb.andWhere(`${alias}.id < :beforeId`, { beforeId: page.beforeId });
  return qb;
}

/**
 * One row of an account, held until the transaction ends where the engine has
 * row locks (`FOR UPDATE` on MySQL/MariaDB). SQLite has none (TypeORM refuses
 * setLock there); writeTransaction already holds its single write lock.
 */
export function lockedInAccount<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  alias: string,
  accountId: number,
  id: number,
  rowLocks: boolean,
): Promise<T | null> {
  const qb = manager
    .getRepository(entity)
    .createQueryBuilder(alias)
    .where(`${alias}.accountId = :accountId AND ${alias}.id = :id`, { accountId, id });
  if (rowLocks) qb.setLock('pessimistic_write');
  return qb.getOne();
}

/**
 * The newest `page.limit` rows of each parent (say, each customer's bookings)
 * in ONE query, so a list of N parents with a nested connection costs one
 * statement, not N: `ROW_NUMBER() OVER (PARTITION BY parent)` numbers each
 * parent's rows (MariaDB 10.2+, SQLite 3.25+). Rows come parent by parent,
 * newest first within each.
 */
export function newestFirstPerParent<T extends ObjectLiteral>(
  repository: Repository<T>,
  alias: string,
  parentColumn: string,
  accountId: number,
  parentIds: readonly number[],
  page: KeysetPage,
): Promise<T[]> {
  if (parentIds.length === 0) return Promise.resolve([]);
  const ranked = repository
    .createQueryBuilder('ranked')
    .select('ranked.id', 'id')
    .addSelect(`ROW_NUMBER() OVER (PARTITION BY ranked.${parentColumn} ORDER BY ranked.id DESC)`, 'rn')
    .where('ranked.accountId = :accountId', { accountId })
    .andWhere(`ranked.${parentColumn} IN (:...parentIds)`, { parentIds: [...new Set(parentIds)] });
  if (page.beforeId !== undefined) ranked.andWhere('ranked.id < :beforeId', { beforeId: page.beforeId });
  return repository
    .createQueryBuilder(alias)
    .where(`${alias}.id IN (SELECT numbered.id FROM (${ranked.getQuery()}) numbered WHERE numbered.rn <= :limit)`)
    .setParameters({ ...ranked.getParameters(), limit: page.limit })
    .orderBy(`${alias}.${parentColumn}`, 'ASC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .getMany();
}
