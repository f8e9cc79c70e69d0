import { keyStatus } from '../../auth/key-status';
import type { WebhookEndpoint } from '../../db/entities';
import type { ApiKeyRepository } from '../../db/repositories/api-key-repository';
import type { ScopeEngine } from '../../scopes/engine';
import type { WebhookEventCatalog } from '../event-catalog';

/**
 * Whether a delivery may still go out (contract §7, issue 6 item 2): a webhook
 * never tells its subscriber what the subscribing key could not read today.
 * The key is read fresh, with its policies, for each batch the worker claims
 * (never from the authenticator's cache, which may be seconds stale), so a
 * revocation or a lost scope stops deliveries from the next batch on.
 */
export class DeliveryEligibility {
  constructor(
    private readonly keys: Pick<ApiKeyRepository, 'findInAccount'>,
    private readonly engine: ScopeEngine,
    private readonly events: WebhookEventCatalog,
  ) {}

  /** A checker for one batch: each subscribing key is loaded once per batch. */
  forBatch(now: Date): (endpoint: WebhookEndpoint, eventType: string) => Promise<string | null> {
    const held = new Map<number, Promise<ReadonlySet<string> | string>>();
    return async (endpoint, eventType) => {
      if (!endpoint.enabled) return `endpoint disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ''}`;
      // Made by the operator (CLI), not by a key: the operator may read anything.
      if (endpoint.createdByKeyId === null) return null;
      const keyId = endpoint.createdByKeyId;
      if (!held.has(keyId)) held.set(keyId, this.scopesOf(endpoint.accountId, keyId, now));
      const scopes = await held.get(keyId)!;
      if (typeof scopes === 'string') return scopes;
      const [scope] = this.events.requiredScopes([eventType]);
      // An event type no longer in the catalog has no known scope: fail closed.
      if (scope === undefined) return `event type "${eventType}" is not in the event catalog`;
      if (!scopes.has(scope)) return `the subscribing key ${keyId} no longer holds ${scope}`;
      return null;
    };
  }

  /** The key's effective scopes, or why it can no longer subscribe to anything. */
  private async scopesOf(accountId: number, keyId: number, now: Date): Promise<ReadonlySet<string> | string> {
    const key = await this.keys.findInAccount(accountId, keyId);
    if (!key) return `the subscribing key ${keyId} was deleted`;
    const status = keyStatus(key, now);
    if (status !== 'ACTIVE') return `the subscribing key ${keyId} is ${status.toLowerCase()}`;
    return this.engine.permissionsFor({
      keyType: key.type,
      scopes: key.scopes,
      bundles: key.bundles,
      policies: key.policies ?? [],
    }).scopes;
  }
}
