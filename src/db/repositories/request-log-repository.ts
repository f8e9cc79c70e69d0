import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { deleteInChunks } from '../chunked-delete';
import { ApiKey, RequestLog } from '../entities';
import { isMySqlFamily, writeTransaction } from '../write-transaction';
import { newestFirstPerParent, type KeysetPage } from './account-scoped';

/** A row to insert; `scopesUsed` left out is stored as null (not recorded). */
export type RequestLogValues = Omit<RequestLog, 'id' | 'apiKey' | 'scopesUsed'> & { scopesUsed?: string[] | null };

/** How often each distinct `scopesUsed` list occurs among one key's rows of a window. */
export interface ScopesUsedCount {
  readonly apiKeyId: number;
  readonly scopesUsed: string[];
  readonly requests: number;
}


/**
 * Most `?` placeholders in one INSERT: SQLITE_MAX_VARIABLE_NUMBER of the SQLite
 * better-sqlite3 12 bundles (3.53: 32766; one more fails with "too many SQL
 * variables"), which is also under MySQL's 65535 of a prepared statement.
 * 3640 rows of 9 columns; REQUEST_LOG_BATCH_SIZE is at most 1000.
 */
const MAX_PARAMETERS = 32_766;
/**
 * Most bytes of one INSERT as mysql2 sends it (the values are inlined into the
 * text): far under max_allowed_packet's default on every server we may meet
 * (MySQL 5.7: 4 MiB, MariaDB: 16 MiB, MySQL 8: 64 MiB). Estimated from above:
 * a character is at most 3 bytes of UTF-8, or 2 once escaped.
 */
const MAX_STATEMENT_BYTES = 1_048_576;
const MAX_BYTES_PER_CHAR = 3;
/** A number, a date, a NULL, inlined with its separator. */
const OTHER_VALUE_BYTES = 32;

interface InsertStatement {
  readonly sql: string;
  readonly parameters: unknown[];
}

/** The parts of request_log's INSERT that do not depend on the rows. */
interface InsertPlan {
  /** `INSERT INTO "request_log"("apiKeyId", ...) VALUES ` */
  readonly head: string;
  /** `(?, ?, ...)`: a row with every value present. */
  readonly group: string;
  readonly columns: readonly InsertColumn[];
}

interface InsertColumn {
  readonly metadata: ColumnMetadata;
  /** What InsertQueryBuilder writes for an absent (undefined) value. */
  readonly absent: string;
}

/**
 * The columns InsertQueryBuilder inserts (`getInsertedColumns`), minus the
 * auto-increment id it would only fill with DEFAULT/NULL. Fails on the column
 * kinds it treats specially (version, discriminator, generated uuid, spatial,
 * SQLite jsonb), so an entity change that adds one is caught in the tests
 * rather than stored differently.
 */
function insertPlan(dataSource: DataSource): InsertPlan {
  const { driver } = dataSource;
  const metadata = dataSource.getMetadata(RequestLog);
  const mysql = isMySqlFamily(dataSource);
  const columns: InsertColumn[] = [];
  for (const column of metadata.columns) {
    if (!column.isInsert) continue;
    if (column.isPrimary && column.isGenerated && column.generationStrategy === 'increment') continue;
    const special =
      column.isVersion ||
      column.isDiscriminator ||
      column.isGenerated ||
      column.type === 'jsonb' ||
      (driver.spatialTypes as unknown[]).includes(column.type);
    if (special) throw new Error(`request_log insert: column ${column.propertyPath} needs InsertQueryBuilder's special handling`);
    const sqliteDefault = column.default === undefined || column.default === null ? undefined : driver.normalizeDefault(column);
    columns.push({ metadata: column, absent: mysql ? 'DEFAULT' : (sqliteDefault ?? 'NULL') });
  }
  return {
    head: `INSERT INTO ${metadata.tablePath.split('.').map((part) => driver.escape(part)).join('.')}(${columns.map((column) => driver.escape(column.metadata.databaseName)).join(', ')}) VALUES `,
    group: `(${columns.map(() => '?').join(', ')})`,
    columns,
  };
}

/** Reads and writes of request_log rows; buffering and retention rules live in the domain. */
export class RequestLogRepository {
  /** Built on the first insert: the DataSource's metadata exists once it is initialized. */
  private plan: InsertPlan | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * One multi-row INSERT (of every batch the buffer makes), outside any
   * transaction: a single statement is atomic on its own, and on SQLite it only
   * waits for an open write transaction to end (see write-transaction.ts)
   * instead of joining it. Nothing reads the generated ids back.
   *
   * The SQL is built here rather than by TypeORM's InsertQueryBuilder, which
   * re-derived and re-escaped the whole statement on every flush (about 7% of
   * a cheap request's CPU under load). The values are stored exactly as the
   * builder stored them: the same columns from the entity's metadata, each
   * value through the driver's `preparePersistentValue` (dates, simple-json),
   * and an absent value as the builder wrote it (`DEFAULT`, or SQLite's
   * column default or NULL).
   *
   * A batch too big for one statement (see MAX_PARAMETERS and
   * MAX_STATEMENT_BYTES; never the case at REQUEST_LOG_BATCH_SIZE's limit with
   * ordinary rows) is split, and its statements run in one write transaction:
   * the batch still lands whole or not at all, which the buffer's retry of a
   * failed batch relies on (a half-written batch would be written twice).
   * Hence: never call this from inside a writeTransaction callback.
   */
  async insertMany(rows: readonly RequestLogValues[]): Promise<void> {
    if (rows.length === 0) return;
    const statements = this.insertStatements(rows);
    if (statements.length === 1) {
      await this.dataSource.query(statements[0].sql, statements[0].parameters);
      return;
    }
    await writeTransaction(this.dataSource, async (manager) => {
      for (const { sql, parameters } of statements) await manager.query(sql, parameters);
    });
  }

  private insertStatements(rows: readonly RequestLogValues[]): InsertStatement[] {
    const plan = (this.plan ??= insertPlan(this.dataSource));
    const { driver } = this.dataSource;
    const { columns } = plan;
    const rowsPerStatement = Math.floor(MAX_PARAMETERS / columns.length);
    const statements: InsertStatement[] = [];
    let groups: string[] = [];
    let parameters: unknown[] = [];
    let bytes = 0;
    for (const row of rows) {
      let group = plan.group;
      let rowBytes = 0;
      let literals: (string | undefined)[] | undefined;
      const values: unknown[] = [];
      for (let i = 0; i < columns.length; i += 1) {
        const column = columns[i];
        const value: unknown = driver.preparePersistentValue(column.metadata.getEntityValue(row), column.metadata);
        if (value === undefined) {
          (literals ??= new Array<string | undefined>(columns.length))[i] = column.absent;
          continue;
        }
        values.push(value);
        rowBytes += typeof value === 'string' ? value.length * MAX_BYTES_PER_CHAR : OTHER_VALUE_BYTES;
      }
      if (literals) group = `(${columns.map((_, i) => literals[i] ?? '?').join(', ')})`;
      rowBytes += group.length;
      if (groups.length > 0 && (groups.length >= rowsPerStatement || bytes + rowBytes > MAX_STATEMENT_BYTES)) {
        statements.push({ sql: plan.head + groups.join(', '), parameters });
        groups = [];
        parameters = [];
        bytes = 0;
      }
      groups.push(group);
      for (const value of values) parameters.push(value);
      bytes += rowBytes;
    }
    statements.push({ sql: plan.head + groups.join(', '), parameters });
    return statements;
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

  /** Deletes rows logged before `cutoff` (in chunks: chunked-delete.ts) and returns how many went. */
  deleteOlderThan(cutoff: Date): Promise<number> {
    return deleteInChunks(this.dataSource.getRepository(RequestLog), 'log', (query) => query.where('log.at < :cutoff', { cutoff }));
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
