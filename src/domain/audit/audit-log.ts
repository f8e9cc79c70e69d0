import type { DataSource, EntityManager } from 'typeorm';
import { AuditEntry } from '../../db/entities';
import { newestFirstInAccount, type KeysetPage } from '../../db/repositories/account-scoped';
import type { Condition } from '../../db/entity-reader';
import type { Actor } from '../actor';

export type AuditTargetType = 'ApiKey' | 'ScopePolicy' | 'WebhookEndpoint';

export interface AuditRecord {
  /** e.g. `api_key.created`, `api_key.updated`, `api_key.rolled`, `api_key.revoked`, `api_key.deleted`, `scope_policy.created`. */
  readonly action: string;
  readonly targetType: AuditTargetType;
  readonly targetId: number;
  /** `{ field: { from, to } }` for updates, the record's public fields on create/delete. Never a secret. */
  readonly changes: Record<string, unknown>;
}

export interface AuditFilter {
  targetType?: AuditTargetType;
  targetId?: number;
  actorKeyId?: number;
}

/**
 * The audit trail of key and policy changes. `record` takes the caller's
 * transaction manager, so an entry is written if and only if the change it
 * describes commits.
 */
export class AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(manager: EntityManager, actor: Actor, entry: AuditRecord): Promise<void> {
    await manager.getRepository(AuditEntry).insert({
      accountId: actor.accountId,
      actorKeyId: actor.kind === 'key' ? actor.keyId : null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      changes: entry.changes as never, // a simple-json column: TypeORM types it as a deep partial entity
      at: this.now(),
    });
  }

  /** Newest first; filter by target and/or acting key. */
  async list(accountId: number, page: KeysetPage, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const filters: Condition<AuditEntry>[] = [];
    if (filter.targetType !== undefined) filters.push(['targetType', '=', filter.targetType]);
    if (filter.targetId !== undefined) filters.push(['targetId', '=', filter.targetId]);
    if (filter.actorKeyId !== undefined) filters.push(['actorKeyId', '=', filter.actorKeyId]);
    return newestFirstInAccount(this.dataSource, AuditEntry, accountId, page, filters);
  }
}

/** The changed fields between two snapshots, as `{ field: { from, to } }`. */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of Object.keys(after)) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) changes[field] = { from: before[field], to: after[field] };
  }
  return changes;
}
