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
