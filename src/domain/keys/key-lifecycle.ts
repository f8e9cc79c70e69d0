import type { DataSource, EntityManager } from 'typeorm';
import { displayPrefix, generateKey, hashKey } from '../../auth/key-format';
import { keyStatus } from '../../auth/key-status';
import type { ApiKey, ScopePolicy } from '../../db/entities';
import type { Repositories } from '../../db/repositories';
import type { KeyColumnsPatch, KeyWithPolicies } from '../../db/repositories/api-key-repository';
import { writeTransaction } from '../../db/write-transaction';
import { AppError, badInput, notFound } from '../../errors';
import type { ScopeEngine } from '../../scopes/engine';
import type { Actor } from '../actor';
import { diffFields, type AuditLog } from '../audit/audit-log';
import { auditedFields } from './key-audit';
import { KeyAuthority, permissionInputOf, type KeyAction } from './key-authority';
import { validateKeyFields, validateKeyInput, type CreateKeyInput, type UpdateKeyInput } from './key-input';
import { publishEvent } from '../../webhooks/outbox';
import { revokedKeyData } from '../../webhooks/payloads';

export interface KeyChangeListener {
  /**
   * A key's secrets or permissions changed, or it is gone: caches holding it must
   * drop it. Awaited before the change is answered, so that every instance has
   * been told (src/cluster) by the time the caller sees the answer.
   */
  keyChanged(keyId: number): void | Promise<void>;
}

export interface CreatedKey {
  key: ApiKey;
  /** The only time the full key exists outside the client's hands. */
  secret: string;
}

/** Stripe allows up to 7 days for a rolled key's old secret; so do we. */
export const MAX_GRACE_SECONDS = 7 * 24 * 60 * 60;

/**
 * Every write to a key: create, update, roll, revoke, delete. Each runs in one
 * writeTransaction that locks the key row first, so the checks (no escalation,
 * a unique name, not revoked) read the state the write replaces; each records
 * its audit entry in that same transaction (an entry exists if and only if the
 * change committed); and each tells the listener after commit, so the very
 * next request is authenticated against the new state, never a cached one.
 */
export class KeyLifecycle {
  private readonly authority: KeyAuthority;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repos: Repositories,
    private readonly engine: ScopeEngine,
    private readonly audit: AuditLog,
    private readonly listener: KeyChangeListener,
    private readonly now: () => Date,
  ) {
    this.authority = new KeyAuthority(engine);
  }

  async create(actor: Actor, input: CreateKeyInput): Promise<CreatedKey> {
    const valid = validateKeyInput(this.engine, input, this.now());
    const policies = await this.visiblePolicies(actor.accountId, valid.policyIds);
    this.authority.assertMayGrant(actor, { keyType: valid.type, scopes: valid.scopes, bundles: valid.bundles, policies });

    const secret = generateKey(valid.type);
    const key = await writeTransaction(this.dataSource, async (manager) => {
      await this.assertNameFree(manager, actor.accountId, valid.name);
      const values = {
        accountId: actor.accountId,
        name: valid.name,
        type: valid.type,
        prefix: displayPrefix(secret),
        scopes: valid.scopes,
        bundles: valid.bundles,
        policies,
        expiresAt: valid.expiresAt,
        ipAllowlist: valid.ipAllowlist,
        allowedOrigins: valid.allowedOrigins,
        createdById: actor.kind === 'key' ? actor.keyId : null,
        lastUsedAt: null,
        revokedAt: null,
      };
      const created = await this.repos.apiKeys.insertWithSecret(manager, values, hashKey(secret));
      if (!created) throw nameTaken(valid.name);
      await this.record(manager, actor, 'api_key.created', created.id, auditedFields(created, policies));
      return Object.assign(created, { policies });
    });
    // A new publishable key may list origins that CORS must now answer for.
    await this.listener.keyChanged(key.id);
    return { key, secret };
  }

  /** Only the given fields change; the secret and prefix never do. An update that changes nothing writes nothing. */
  async update(actor: Actor, id: number, input: UpdateKeyInput): Promise<ApiKey> {
    return this.change(actor, id, 'update', async (manager, key) => {
      const patch = validateKeyFields(this.engine, input, key.type, this.now());
      const { policyIds, ...columns } = patch;
      const policies = policyIds ? await this.visiblePolicies(actor.accountId, policyIds) : key.policies;
      const given = { keyType: key.type, scopes: patch.scopes ?? [], bundles: patch.bundles ?? [], policies: policyIds ? policies : [] };
      const after = { ...key, ...columns, policies } as KeyWithPolicies;
      this.authority.assertMayGrant(actor, given, permissionInputOf(after, policies));

      const changes = diffFields(auditedFields(key, key.policies), auditedFields(after, policies));
      if (Object.keys(changes).length === 0) return key;
      if (columns.name !== undefined && columns.name !== key.name) await this.assertNameFree(manager, key.accountId, columns.name, key.id);
      const newPolicyIds = 'policyIds' in changes ? policyIds : undefined;
      const updated = await this.repos.apiKeys.update(manager, key, changedColumns(columns, changes), newPolicyIds);
      if (!updated) throw nameTaken(columns.name!);
      await this.record(manager, actor, 'api_key.updated', key.id, changes);
      return after;
    });
  }

  /**
   * A new secret (Stripe's roll): the old one keeps working for `graceSeconds`
   * (0 = not at all), then answers KEY_EXPIRED. Secrets rolled away earlier
   * keep their earlier expiry: a roll never extends an old secret.
   */
  async roll(actor: Actor, id: number, graceSeconds = 0): Promise<CreatedKey> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw badInput(`graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS} (7 days)`, { field: 'graceSeconds' });
    }
    let secret = '';
    const key = await this.change(actor, id, 'roll', async (manager, key) => {
      const status = keyStatus(key, this.now());
      if (status !== 'ACTIVE') {
        throw badInput(`This key is ${status.toLowerCase()}: it cannot be rolled`, { field: 'id', status });
      }
      secret = generateKey(key.type);
      const prefix = displayPrefix(secret);
      const oldUntil = new Date(this.now().getTime() + graceSeconds * 1000);
      await this.repos.apiKeys.rollSecret(manager, key.id, hashKey(secret), prefix, oldUntil);
      await this.record(manager, actor, 'api_key.rolled', key.id, {
        prefix: { from: key.prefix, to: prefix },
        graceSeconds,
        previousSecretExpiresAt: oldUntil.toISOString(),
      });
      return Object.assign(key, { prefix });
    });
    return { key, secret };
  }

  /**
   * Permanent. Revoking an already revoked key is a no-op that returns it (and
   * records nothing). The `api_key.revoked` webhook event is written in the
   * same transaction; the listener's keyChanged, after commit, pokes the worker.
   */
  async revoke(actor: Actor, id: number): Promise<ApiKey> {
    return this.change(actor, id, 'revoke', async (manager, key) => {
      if (key.revokedAt) return key;
      const revokedAt = this.now();
      await this.repos.apiKeys.markRevoked(manager, key.id, revokedAt);
      await this.record(manager, actor, 'api_key.revoked', key.id, { revokedAt: { from: null, to: revokedAt.toISOString() } });
      Object.assign(key, { revokedAt });
      await publishEvent(manager, key.accountId, 'api_key.revoked', revokedKeyData(key));
      return key;
    });
  }

  /** The key, its secrets and its request logs are gone; the audit trail keeps what it was. */
  async delete(actor: Actor, id: number): Promise<void> {
    await this.change(actor, id, 'delete', async (manager, key) => {
      await this.repos.apiKeys.delete(manager, key.id);
      await this.record(manager, actor, 'api_key.deleted', key.id, auditedFields(key, key.policies));
      return key;
    });
  }

  /**
   * The shape every change to an existing key shares: lock it (NOT_FOUND for
   * an id of another account, exactly as for one that does not exist), refuse
   * a caller that holds less than the key, run the change, then drop caches.
   */
  private async change<T extends ApiKey>(
    actor: Actor,
    id: number,
    action: KeyAction,
    work: (manager: EntityManager, key: KeyWithPolicies) => Promise<T>,
  ): Promise<T> {
    const result = await writeTransaction(this.dataSource, async (manager) => {
      const key = await this.repos.apiKeys.lockInAccount(manager, actor.accountId, id);
      if (!key) throw notFound('API key');
      this.authority.assertMayActOn(actor, key, key.policies, action);
      return work(manager, key);
    });
    await this.listener.keyChanged(id);
    return result;
  }

  /** A clear error first; the unique index still settles a race (see the repository). */
  private async assertNameFree(manager: EntityManager, accountId: number, name: string, exceptId?: number): Promise<void> {
    if (await this.repos.apiKeys.nameTaken(manager, accountId, name, exceptId)) throw nameTaken(name);
  }

  private async visiblePolicies(accountId: number, ids: readonly number[]): Promise<ScopePolicy[]> {
    const found = await this.repos.policies.findVisibleByIds(accountId, ids);
    const missing = ids.filter((id) => !found.some((p) => p.id === id));
    if (missing.length > 0) {
      throw new AppError('NOT_FOUND', `Scope polic${missing.length === 1 ? 'y' : 'ies'} not found`, {
        field: 'policyIds',
      });
    }
    return found;
  }

  private record(manager: EntityManager, actor: Actor, action: string, targetId: number, changes: Record<string, unknown>) {
    return this.audit.record(manager, actor, { action, targetType: 'ApiKey', targetId, changes });
  }
}

function nameTaken(name: string): AppError {
  return badInput(`Another key of this account is already named "${name}"`, { field: 'name' });
}

/** Only columns whose value differs are written (policies are diffed by the repository). */
function changedColumns(columns: KeyColumnsPatch, changes: Record<string, unknown>): KeyColumnsPatch {
  return Object.fromEntries(Object.entries(columns).filter(([field]) => field in changes)) as KeyColumnsPatch;
}
