import type { DataSource } from 'typeorm';
import type { ApiKey, ScopePolicy } from '../../db/entities';
import type { KeyStatusFilter, Repositories } from '../../db/repositories';
import { notFound } from '../../errors';
import type { ScopeEngine } from '../../scopes/engine';
import type { Actor } from '../actor';
import type { AuditLog } from '../audit/audit-log';
import { validateKeyInput, type CreateKeyInput, type UpdateKeyInput } from './key-input';
import { KeyLifecycle, type CreatedKey, type KeyChangeListener } from './key-lifecycle';
import { keysetFor, pageOf, type PageRequest } from '../pages';

export type { CreatedKey, KeyChangeListener };

/**
 * Key rules: validation, no escalation, account isolation, an audit entry for
 * every change. Shared by the API and the CLI. Reads live here; the writes
 * (the key lifecycle) in KeyLifecycle.
 */
export class KeyService {
  private readonly lifecycle: KeyLifecycle;

  constructor(
    dataSource: DataSource,
    private readonly repos: Repositories,
    private readonly engine: ScopeEngine,
    audit: AuditLog,
    listener: KeyChangeListener = { keyChanged: () => undefined },
    private readonly now: () => Date = () => new Date(),
  ) {
    this.lifecycle = new KeyLifecycle(dataSource, repos, engine, audit, listener, now);
  }

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

  create(actor: Actor, input: CreateKeyInput): Promise<CreatedKey> {
    return this.lifecycle.create(actor, input);
  }

  update(actor: Actor, id: number, input: UpdateKeyInput): Promise<ApiKey> {
    return this.lifecycle.update(actor, id, input);
  }

  roll(actor: Actor, id: number, graceSeconds?: number): Promise<CreatedKey> {
    return this.lifecycle.roll(actor, id, graceSeconds);
  }

  revoke(actor: Actor, id: number): Promise<ApiKey> {
    return this.lifecycle.revoke(actor, id);
  }

  delete(actor: Actor, id: number): Promise<void> {
    return this.lifecycle.delete(actor, id);
  }

  async get(accountId: number, id: number): Promise<ApiKey> {
    const key = await this.repos.apiKeys.findInAccount(accountId, id);
    if (!key) throw notFound('API key');
    return key;
  }

  /** Fetches one more row than asked so the page knows whether another follows. */
  async list(
    accountId: number,
    page: PageRequest,
    status?: KeyStatusFilter,
  ): Promise<{ nodes: ApiKey[]; hasNextPage: boolean }> {
    const rows = await this.repos.apiKeys.listInAccount(
      accountId,
      keysetFor(page),
      status,
      this.now(),
    );
    return pageOf(rows, page);
  }

  permissionsOf(key: ApiKey & { policies?: ScopePolicy[] }) {
    return this.engine.permissionsFor({
      keyType: key.type,
      scopes: key.scopes,
      bundles: key.bundles,
      policies: key.policies ?? [],
    });
  }
}
