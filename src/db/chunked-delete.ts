import type { ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';

/** How many rows one DELETE removes, so that no single statement holds locks for long. */
export const DELETE_CHUNK = 1_000;

/**
 * Deletes the rows `where` selects, a chunk at a time (select ids, delete
 * them), and returns how many went. Portable on purpose: MariaDB refuses
 * LIMIT in an `IN (subquery)` and SQLite has no `DELETE ... LIMIT` by default.
 * Rows other tables hold with ON DELETE CASCADE go with each chunk.
 */
export async function deleteInChunks<T extends ObjectLiteral>(
  repository: Repository<T>,
  alias: string,
  where: (query: SelectQueryBuilder<T>) => SelectQueryBuilder<T>,
  chunk = DELETE_CHUNK,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const ids = (
      await where(repository.createQueryBuilder(alias).select(`${alias}.id`, 'id'))
        .orderBy(`${alias}.id`, 'ASC')
        .limit(chunk)
        .getRawMany<{ id: number | string }>()
    ).map((row) => Number(row.id));
    if (ids.length === 0) return deleted;
    await repository.createQueryBuilder().delete().where('id IN (:...ids)', { ids }).execute();
    deleted += ids.length;
    if (ids.length < chunk) return deleted;
  }
}
