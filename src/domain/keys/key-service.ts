import type { DataSource } from 'typeorm';
import { displayPrefix, generateKey, hashKey } from '../../auth/key-format';
import type { ApiKey, ScopePolicy } from '../../db/entities';
import { writeTransaction } from '../../db/write-transaction';
import type { KeyStatusFilter, Repositories } from '../../db/repositories';
import { AppError, notFound } from '../../errors';
import type { ScopeEngine } from '../../scopes/engine';
import type { PermissionInput } from '../../scopes/types';
import type { Actor } from '../actor';
import { validateKeyInput, type CreateKeyInput } from './key-input';

export interface KeyChangeListener {
  /** A key's secrets or permissions changed: caches holding it must drop it. */
  keyChanged(keyId: number): void;
}

export interface CreatedKey {
  key: ApiKey;
  /** The only time the full key exists outside the client's hands. */
  secret: string;
}

/** Key rules: validation, no escalation, account isolation. Shared by the API and the CLI. */
export class KeyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repos: Repositories,
    private readonly engine: ScopeEngine,
    private readonly listener: KeyChangeListener = { keyChanged: () => undefined },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Every check `create` makes that needs no account, so a caller that must
   * create something first (the CLI's new account) can fail before writing it.
   */
  precheck(input: CreateKeyInput): void {
    const valid = validateKeyInput(this.engine, input, this.now());
    if (valid.type === 'PUBLISHABLE') {
      this.engine.assertReadOnly({ keyType: valid.type, scopes: valid.scopes, bundles: valid.bundles, policies: [] });
    }
  }

  async create(actor: Actor, input: CreateKeyInput): Promise<CreatedKey> {
    const valid = validateKeyInput(this.engine, input, this.now());
    const policies = await this.visiblePolicies(actor.accountId, valid.policyIds);
    const grant: PermissionInput = { keyType: valid.type, scopes: valid.scopes, bundles: valid.bundles, policies };
    if (valid.type === 'PUBLISHABLE') this.engine.assertReadOnly(grant);
    this.assertNoEscalation(actor, this.engine.grantsOf(grant), 'grant');

    const secret = generateKey(valid.type);
    const key = await writeTransaction(this.dataSource, (manager) =>
      this.repos.apiKeys.insertWithSecret(
        manager,
        {
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
        },
        hashKey(secret),
      ),
    );
    key.policies = policies;
    // A new publishable key may list origins that CORS must now answer for.
    this.listener.keyChanged(key.id);
    return { key, secret };
  }

  /** Permanent. Revoking an already revoked key is a no-op that returns it. */
  async revoke(actor: Actor, id: number): Promise<ApiKey> {
    const key = await this.get(actor.accountId, id);
    this.assertNoEscalation(actor, this.permissionsOf(key).scopes, 'revoke');
    if (!key.revokedAt) {
      key.revokedAt = this.now();
      await this.repos.apiKeys.markRevoked(key.id, key.revokedAt);
    }
    this.listener.keyChanged(key.id);
    return key;
  }

  async get(accountId: number, id: number): Promise<ApiKey> {
    const key = await this.repos.apiKeys.findInAccount(accountId, id);
    if (!key) throw notFound('API key');
    return key;
  }

  /** Fetches one more row than asked so the page knows whether another follows. */
  async list(
    accountId: number,
    page: { first: number; afterId?: number },
    status?: KeyStatusFilter,
  ): Promise<{ nodes: ApiKey[]; hasNextPage: boolean }> {
    const rows = await this.repos.apiKeys.listInAccount(
      accountId,
      { limit: page.first + 1, beforeId: page.afterId },
      status,
      this.now(),
    );
    return { nodes: rows.slice(0, page.first), hasNextPage: rows.length > page.first };
  }

  permissionsOf(key: ApiKey & { policies?: ScopePolicy[] }) {
    return this.engine.permissionsFor({
      keyType: key.type,
      scopes: key.scopes,
      bundles: key.bundles,
      policies: key.policies ?? [],
    });
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

  /** Contract section 4: a caller grants, or acts on, only what it holds itself; only admin grants admin. */
  private assertNoEscalation(actor: Actor, wanted: Iterable<string>, verb: 'grant' | 'revoke'): void {
    if (actor.kind === 'operator') return;
    const missing = actor.permissions.lacking(wanted);
    if (missing.length === 0) return;
    const message =
      verb === 'grant'
        ? `You cannot grant scopes your own key does not hold: ${missing.join(', ')}`
        : `You cannot revoke a key that holds scopes your own key does not: ${missing.join(', ')}`;
    throw new AppError('SCOPE_REQUIRED', message, { requiredScopes: [missing], missingScopes: missing });
  }
}

