import type { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { EntityReader, type Condition, type ReadOptions } from '../entity-reader';

/** A keyset page: at most `limit` rows with an id below `beforeId`. */
export interface KeysetPage {
  limit: number;
  beforeId?: number;
}

/** Rows with `accountId` and `id`; the columns every account-scoped entity has. */
type AccountScoped = ObjectLiteral & { accountId: number; id: number };

/**
 * The one list query: rows of one account, newest first, keyset-paginated on
 * id so a page boundary stays put while rows are added (an offset would shift),
 * with the caller's filters. It runs on the request path for every page, so it
 * reads through EntityReader rather than the query builder.
 */
export function newestFirstInAccount<T extends AccountScoped>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  accountId: number,
  page: KeysetPage,
  filters: readonly Condition<T>[] = [],
  related: ReadOptions<T>['with'] = [],
): Promise<T[]> {
  const conditions: Condition<T>[] = [['accountId', '=', accountId], ...filters];
  if (page.beforeId !== undefined) conditions.push(['id', '<', page.beforeId]);
  return EntityReader.of(dataSource, entity).find(conditions, { orderBy: [['id', 'DESC']], limit: page.limit, with: related });
}

/** The same list for filters EntityReader's operators cannot say (OR, LIKE, IS NULL): a query builder to add them to. */
export function newestFirstInAccountQuery<T extends ObjectLiteral>(
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

/** The rows of `ids` in the account, in no particular order (DataLoaders); ids of other accounts are simply missing. */
export function byIdsInAccount<T extends AccountScoped>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  accountId: number,
  ids: readonly number[],
): Promise<T[]> {
  return EntityReader.of(dataSource, entity).find([
    ['accountId', '=', accountId],
    ['id', 'in', [...new Set(ids)]],
  ]);
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
