import type { DataSource } from 'typeorm';
import { ApiKey, RequestLog } from '../entities';
import { newestFirstPerParent, type KeysetPage } from './account-scoped';

/** A row to insert; `scopesUsed` left out is stored as null (not recorded). */
export type RequestLogValues = Omit<RequestLog, 'id' | 'apiKey' | 'scopesUsed'> & { scopesUsed?: string[] | null };

/** How often each distinct `scopesUsed` list occurs among one key's rows of a window. */
export interface ScopesUsedCount {
  readonly apiKeyId: number;
  readonly scopesUsed: string[];
  readonly requests: number;
}

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

  /**
   * The distinct `scopesUsed` lists of each key's rows logged at or after
   * `since`, with how many rows have each: one grouped query over the
   * (apiKeyId, at) index, returning a handful of rows per key however busy it
   * was (the lists are sorted when written, so equal sets group together). Rows
   * without a recorded list (written before it was) are left out.
   */
  async scopesUsedByKeys(accountId: number, apiKeyIds: readonly number[], since: Date): Promise<ScopesUsedCount[]> {
    if (apiKeyIds.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(RequestLog)
      .createQueryBuilder('log')
      .select('log.apiKeyId', 'apiKeyId')
      .addSelect('log.scopesUsed', 'scopesUsed')
      .addSelect('COUNT(*)', 'requests')
      .where('log.apiKeyId IN (:...ids)', { ids: [...apiKeyIds] })
      .andWhere('log.at >= :since', { since })
      .andWhere('log.accountId = :accountId', { accountId })
      .andWhere('log.scopesUsed IS NOT NULL')
      .groupBy('log.apiKeyId')
      .addGroupBy('log.scopesUsed')
      .getRawMany<{ apiKeyId: number | string; scopesUsed: string; requests: number | string }>();
    return rows.map((row) => ({ apiKeyId: Number(row.apiKeyId), scopesUsed: parseList(row.scopesUsed), requests: Number(row.requests) }));
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

/** A simple-json list as stored; anything else (a hand-edited row) counts as empty rather than failing the report. */
function parseList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
