import type { DataSource, EntityManager } from 'typeorm';
import type { ScopePolicy } from '../../db/entities';
import type { Repositories } from '../../db/repositories';
import { isUniqueViolation } from '../../db/driver-errors';
import { isMySqlFamily, writeTransaction } from '../../db/write-transaction';
import { AppError, badInput } from '../../errors';
import type { ScopeEngine } from '../../scopes/engine';
import type { Actor } from '../actor';
import { diffFields, type AuditLog } from '../audit/audit-log';
import { validatePolicy, validatePolicyUpdate, type CreatePolicyInput, type UpdatePolicyInput, type ValidPolicy } from './policy-input';
import {
  assertKeysGainOnlyHeld,
  assertMayChange,
  assertMayGrant,
  assertPublishableStayReadOnly,
  keysWidenedByDetaching,
  type KeyWithPolicies,
} from './policy-rules';

export type { CreatePolicyInput, UpdatePolicyInput };

export interface PolicyChangeListener {
  /** A policy's grants changed or it was deleted: any key may hold it, so cached permissions are stale. */
  policiesChanged(): void | Promise<void>;
}

/**
 * Scope policy rules (contract section 1): validation, no escalation, built-ins
 * locked, fail-closed deletes, an audit entry per change. Shared by the API,
 * the CLI and the tests. Every change runs in one write transaction that holds
 * the policy row, so the keys it checks are the keys it changes.
 */
export class PolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repos: Repositories,
    private readonly engine: ScopeEngine,
    private readonly audit: AuditLog,
    private readonly listener: PolicyChangeListener = { policiesChanged: () => undefined },
  ) {}

  /** Built-in policies first, then the account's own. */
  list(accountId: number): Promise<ScopePolicy[]> {
    return this.repos.policies.listVisible(accountId);
  }

  /** A built-in or one of the account's own; another account's id is NOT_FOUND, as is an unknown one. */
  async get(accountId: number, id: number): Promise<ScopePolicy> {
    const [policy] = await this.repos.policies.findVisibleByIds(accountId, [id]);
    if (!policy) throw policyNotFound();
    return policy;
  }

  async create(actor: Actor, input: CreatePolicyInput): Promise<ScopePolicy> {
    const valid = validatePolicy(this.engine, input);
    assertMayGrant(this.engine, actor, valid);
    return this.write(valid.name, async (manager) => {
      await this.assertNameFree(manager, actor.accountId, valid.name);
      const policy = await this.repos.policies.insert(manager, { accountId: actor.accountId, ...valid });
      await this.record(manager, actor, 'scope_policy.created', policy.id, snapshot(policy));
      return policy;
    });
  }

  /** Takes effect for every key holding the policy from its next request on. */
  async update(actor: Actor, id: number, input: UpdatePolicyInput): Promise<ScopePolicy> {
    await this.assertChangeable(actor.accountId, id);
    let changed = false;
    const policy = await this.write(input.name?.trim() ?? '', async (manager) => {
      const current = await this.lockOwn(manager, actor.accountId, id);
      assertMayChange(this.engine, actor, current);
      const next = validatePolicyUpdate(this.engine, current, input);
      const changes = diffFields(snapshot(current), snapshot(next));
      if (Object.keys(changes).length === 0) return current;

      assertMayGrant(this.engine, actor, next);
      if (changes.name) await this.assertNameFree(manager, actor.accountId, next.name, id);
      const keys = await this.repos.policies.keysUsing(manager, id);
      const replaced = Object.assign({}, current, next);
      assertKeysGainOnlyHeld(this.engine, actor, keys, replaced);
      assertPublishableStayReadOnly(this.engine, keys, replaced);

      const updated = await this.repos.policies.update(manager, id, next);
      await this.record(manager, actor, 'scope_policy.updated', id, changes);
      changed = true;
      return updated;
    });
    if (changed) await this.listener.policiesChanged();
    return policy;
  }

  /**
   * Refused while keys hold the policy, unless `force`: then it is detached from
   * them, which must never widen a key (see keysWidenedByDetaching). All or
   * nothing: one key that would gain a scope stops the whole delete.
   */
  async delete(actor: Actor, id: number, force = false): Promise<void> {
    await this.assertChangeable(actor.accountId, id);
    await writeTransaction(this.dataSource, async (manager) => {
      const policy = await this.lockOwn(manager, actor.accountId, id);
      assertMayChange(this.engine, actor, policy);
      const keys = await this.repos.policies.keysUsing(manager, id);
      if (keys.length > 0 && !force) throw inUse(policy, keys.length);
      assertNoKeyWidens(this.engine, policy, keys);

      await this.repos.policies.delete(manager, id);
      await this.record(manager, actor, 'scope_policy.deleted', id, { ...snapshot(policy), detachedFrom: keys.map((k) => k.prefix) });
      // Each key's own trail shows it lost the policy, so listing by target tells the whole story.
      // Same shape as an updateApiKey entry (domain/keys/key-audit.ts): policy ids, sorted.
      for (const key of keys) {
        const ids = key.policies.map((p) => p.id).sort((a, b) => a - b);
        await this.audit.record(manager, actor, {
          action: 'api_key.updated',
          targetType: 'ApiKey',
          targetId: key.id,
          changes: { policyIds: { from: ids, to: ids.filter((p) => p !== id) } },
        });
      }
    });
    await this.listener.policiesChanged();
  }

  /** Built-ins are visible to every account and changeable by none. */
  private async assertChangeable(accountId: number, id: number): Promise<void> {
    const policy = await this.get(accountId, id);
    if (policy.builtIn || policy.accountId === null) {
      throw badInput(`"${policy.name}" is a built-in policy: built-in policies cannot be changed or deleted`, {
        field: 'id',
        builtIn: true,
      });
    }
  }

  private async lockOwn(manager: EntityManager, accountId: number, id: number): Promise<ScopePolicy> {
    const policy = await this.repos.policies.lockOwn(manager, accountId, id, isMySqlFamily(this.dataSource));
    if (!policy) throw policyNotFound(); // deleted since assertChangeable read it
    return policy;
  }

  /**
   * Names are compared case-insensitively, against built-ins too, so both
   * engines agree (MariaDB's collation ignores case, SQLite's does not) and no
   * account can have a second "Full access" that is not the built-in one.
   */
  private async assertNameFree(manager: EntityManager, accountId: number, name: string, exceptId?: number): Promise<void> {
    const wanted = name.toLowerCase();
    const taken = (await this.repos.policies.listVisible(accountId, manager)).find(
      (p) => p.id !== exceptId && p.name.toLowerCase() === wanted,
    );
    if (taken) throw duplicateName(taken.name, taken.builtIn);
  }

  /** The unique index on (accountId, name) catches what assertNameFree could not see: a concurrent insert. */
  private async write<T>(name: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await writeTransaction(this.dataSource, work);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(name, false);
      throw error;
    }
  }

  private record(manager: EntityManager, actor: Actor, action: string, targetId: number, changes: Record<string, unknown>) {
    return this.audit.record(manager, actor, { action, targetType: 'ScopePolicy', targetId, changes });
  }
}

function assertNoKeyWidens(engine: ScopeEngine, policy: ScopePolicy, keys: readonly KeyWithPolicies[]): void {
  const widened = keysWidenedByDetaching(engine, keys, policy.id);
  if (widened.length === 0) return;
  const listed = widened.map(({ key, gained }) => `${key.prefix} ("${key.name}") would gain ${gained.join(', ')}`);
  throw badInput(
    `Deleting "${policy.name}" would widen what ${widened.length === 1 ? 'a key' : `${widened.length} keys`} may do: ` +
      `removing a DENY policy lifts its denies. ${listed.join('; ')}. Nothing was changed: ` +
      `detach the policy from ${widened.length === 1 ? 'that key' : 'those keys'} (or narrow ${widened.length === 1 ? 'it' : 'them'}) first.`,
    {
      field: 'id',
      keys: widened.map(({ key, gained }) => ({ name: key.name, prefix: key.prefix, gainedScopes: gained })),
    },
  );
}

/** The public fields of a policy, as the audit trail records them. */
function snapshot(policy: ValidPolicy): Record<string, unknown> {
  return { name: policy.name, mode: policy.mode, scopes: [...policy.scopes] };
}

function policyNotFound(): AppError {
  return new AppError('NOT_FOUND', 'Scope policy not found', { field: 'id' });
}

function duplicateName(name: string, builtIn: boolean): AppError {
  return badInput(
    builtIn ? `"${name}" is the name of a built-in policy` : `A scope policy named "${name}" already exists in this account`,
    { field: 'name' },
  );
}

function inUse(policy: ScopePolicy, keyCount: number): AppError {
  const keys = keyCount === 1 ? '1 key' : `${keyCount} keys`;
  return badInput(
    `Scope policy "${policy.name}" is used by ${keys}. Pass force: true to delete it and remove its grants from ${keyCount === 1 ? 'that key' : 'those keys'}.`,
    { field: 'force', keyCount },
  );
}
