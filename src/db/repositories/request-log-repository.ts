import type { DataSource } from 'typeorm';
import { ApiKey, RequestLog } from '../entities';
import { newestFirstPerParent, type KeysetPage } from './account-scoped';

export type RequestLogValues = Omit<RequestLog, 'id' | 'apiKey'>;

/** How many old rows one prune statement deletes, so no single DELETE holds locks for long. */
const PRUNE_CHUNK = 1_000;

/** Reads and writes of request_log rows; buffering and retention rules live in the domain. */
export class RequestLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One multi-row INSERT, outside any transaction: a single statement is atomic
   * on its own, and on SQLite it only waits for an open write transaction to end
   * (see write-transaction.ts) instead of joining it. `updateEntity(false)`:
   * nothing reads the generated ids back, so TypeORM must not query for them.
   */
  async insertMany(rows: readonly RequestLogValues[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(RequestLog)
      .values(rows.map((row) => ({ ...row })))
      .updateEntity(false)
      .execute();
  }

  /** The newest logs of each of several keys in one query, for `apiKeys { requestLogs }`. */
  pageByKeys(accountId: number, apiKeyIds: readonly number[], page: KeysetPage): Promise<RequestLog[]> {
    return newestFirstPerParent(this.dataSource.getRepository(RequestLog), 'log', 'apiKeyId', accountId, apiKeyIds, page);
  }

  /** Which of these keys still exist: rows of a key deleted meanwhile can never be inserted (foreign key). */
  async existingKeyIds(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('key')
      .select('key.id', 'id')
      .where('key.id IN (:...ids)', { ids: [...ids] })
      .getRawMany<{ id: number | string }>();
    return new Set(rows.map((row) => Number(row.id)));
  }

  /**
   * Deletes rows logged before `cutoff`, a chunk at a time (select ids, delete
   * them), and returns how many went. Portable on purpose: MariaDB refuses
   * LIMIT in an `IN (subquery)` and SQLite has no `DELETE ... LIMIT` by default.
   */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const repository = this.dataSource.getRepository(RequestLog);
    let deleted = 0;
    for (;;) {
      const ids = (
        await repository
          .createQueryBuilder('log')
          .select('log.id', 'id')
          .where('log.at < :cutoff', { cutoff })
          .orderBy('log.id', 'ASC')
          .limit(PRUNE_CHUNK)
          .getRawMany<{ id: number | string }>()
      ).map((row) => Number(row.id));
      if (ids.length === 0) return deleted;
      await repository.createQueryBuilder().delete().from(RequestLog).where('id IN (:...ids)', { ids }).execute();
      deleted += ids.length;
      if (ids.length < PRUNE_CHUNK) return deleted;
    }
  }
}
