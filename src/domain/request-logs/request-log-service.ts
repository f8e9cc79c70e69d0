import type { RequestLog } from '../../db/entities';
import type { RequestLogRepository, RequestLogValues } from '../../db/repositories';
import type { NeededScopes } from './scope-usage';
import { WriteBehindBuffer, type BackgroundLog, type BufferOptions } from './request-log-buffer';
import { keysetFor, pagesByParent, type Page, type PageRequest } from '../pages';
import { PruneSchedule } from '../prune-schedule';

export type { BackgroundLog } from './request-log-buffer';

/** What one request leaves behind (contract section 4): never the key, never the Authorization header. */
export type RequestLogEntry = RequestLogValues;

export interface RequestLogOptions extends BufferOptions {
  retentionDays: number;
}

const DAY_MS = 86_400_000;
/** Column widths of request_log (see the entity); a longer value would fail the whole batch's INSERT. */
const MAX_OPERATION_NAME = 200;
const MAX_OUTCOME = 40;
const MAX_ADDRESS = 45;
const MAX_ROOT_FIELDS = 50;
const MAX_FIELD_NAME = 100;
const MAX_INT = 2_147_483_647;

/**
 * The per-key request log: recorded without the request ever waiting for the
 * database (rows go through a write-behind buffer), listed newest first, and
 * pruned after `retentionDays` by an hourly job.
 */
export class RequestLogService {
  private readonly buffer: WriteBehindBuffer<RequestLogEntry>;
  private readonly pruning: PruneSchedule;

  constructor(
    private readonly repo: RequestLogRepository,
    log: BackgroundLog,
    private readonly options: RequestLogOptions,
  ) {
    this.buffer = new WriteBehindBuffer((rows) => this.write(rows), log, options);
    this.pruning = new PruneSchedule('request log', (now) => this.prune(now), log);
  }

  /** Synchronous and never throws: a request's bookkeeping must not fail or slow the request. */
  record(entry: RequestLogEntry): void {
    this.buffer.add(fitColumns(entry));
  }

  /** Resolves once every row recorded so far was written (or its failure logged). */
  flush(): Promise<void> {
    return this.buffer.flush();
  }

  get stats(): { buffered: number; dropped: number; failedWrites: number } {
    return this.buffer.stats;
  }

  /**
   * A page of each key's rows, newest first, in one query; `accountId` keeps
   * the read inside the caller's account whatever the key ids.
   */
  async pageByKeys(accountId: number, apiKeyIds: readonly number[], page: PageRequest): Promise<Map<number, Page<RequestLog>>> {
    const rows = await this.repo.pageByKeys(accountId, apiKeyIds, keysetFor(page));
    return pagesByParent(rows, apiKeyIds, (row) => row.apiKeyId, page);
  }

  /**
   * What each key's requests needed since `since` (for `ApiKey.scopeUsage`), in
   * one grouped query for all the keys; `accountId` keeps it inside the caller's
   * account. A key without rows in the window needed nothing.
   */
  async scopesNeededByKeys(accountId: number, apiKeyIds: readonly number[], since: Date): Promise<Map<number, NeededScopes>> {
    const byKey = new Map<number, { needed: Set<string>; requests: number }>();
    for (const { apiKeyId, scopesUsed, requests } of await this.repo.scopesUsedByKeys(accountId, apiKeyIds, since)) {
      let entry = byKey.get(apiKeyId);
      if (!entry) byKey.set(apiKeyId, (entry = { needed: new Set(), requests: 0 }));
      for (const scope of scopesUsed) entry.needed.add(scope);
      entry.requests += requests;
    }
    return byKey;
  }

  /** Deletes rows older than the retention period as seen from `now`; returns how many. */
  prune(now: Date): Promise<number> {
    return this.repo.deleteOlderThan(new Date(now.getTime() - this.options.retentionDays * DAY_MS));
  }

  /** Prunes now and then hourly, until `close()`. Started by the server, not by the CLI or tests of services. */
  startPruning(): void {
    this.pruning.start();
  }

  /** Stops pruning and writes what is buffered. Call before the DataSource is destroyed. */
  async close(): Promise<void> {
    await this.pruning.stop();
    await this.buffer.close();
  }

  /**
   * A key deleted while its rows waited here can never have them inserted (the
   * foreign key refuses, and would take the whole batch with it): when a batch
   * fails, the rows of keys that are gone are dropped and the rest written. Any
   * other failure (the database is down) is left to the buffer to retry.
   */
  private async write(rows: RequestLogEntry[]): Promise<void> {
    try {
      await this.repo.insertMany(rows);
    } catch (error) {
      const existing = await this.repo.existingKeyIds([...new Set(rows.map((row) => row.apiKeyId))]);
      const kept = rows.filter((row) => existing.has(row.apiKeyId));
      if (kept.length === rows.length) throw error;
      await this.repo.insertMany(kept);
    }
  }
}

/**
 * Operation and field names come from the client's document and may be any
 * length; cut them to fit rather than let one request poison a batch.
 */
function fitColumns(entry: RequestLogEntry): RequestLogEntry {
  return {
    ...entry,
    // A request that recorded nothing used nothing; null is kept for rows written before the column existed.
    scopesUsed: entry.scopesUsed ?? [],
    operationName: entry.operationName === null ? null : entry.operationName.slice(0, MAX_OPERATION_NAME),
    rootFields: entry.rootFields.slice(0, MAX_ROOT_FIELDS).map((name) => name.slice(0, MAX_FIELD_NAME)),
    outcome: entry.outcome.slice(0, MAX_OUTCOME),
    durationMs: Math.min(Math.max(Math.round(entry.durationMs), 0), MAX_INT),
    clientAddress: entry.clientAddress.slice(0, MAX_ADDRESS),
  };
}
