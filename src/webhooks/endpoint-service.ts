import { In, type DataSource, type EntityManager } from 'typeorm';
import { WebhookEndpoint } from '../db/entities';
import { lockedInAccount } from '../db/repositories/account-scoped';
import { isMySqlFamily, writeTransaction } from '../db/write-transaction';
import type { Actor } from '../domain/actor';
import { diffFields, type AuditLog } from '../domain/audit/audit-log';
import { badInput, notFound } from '../errors';
import {
  assertMaySubscribe,
  validateDescription,
  validateGraceSeconds,
  validateUrlShape,
  type CreateEndpointInput,
  type UpdateEndpointInput,
} from './endpoint-input';
import type { WebhookEventCatalog } from './event-catalog';
import { newWebhookSecret } from './secrets';
import { assertDeliverableUrl, type DeliverableUrlOptions } from './ssrf-guard';

export type { CreateEndpointInput, UpdateEndpointInput };

export interface EndpointServiceOptions extends DeliverableUrlOptions {
  now?: () => Date;
}

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  /** Shown once, on creation and on rotation; null when an update did not rotate. */
  secret: string | null;
}

/** Stripe's limit. Every change fans out to every endpoint, so the count bounds what one write costs. */
export const MAX_ENDPOINTS_PER_ACCOUNT = 16;
export const DISABLED_BY_OWNER = 'Disabled with updateWebhookEndpoint';

/**
 * Webhook endpoints: create, update (with secret rotation), delete, list.
 * Every write runs in one writeTransaction with its audit entry; the URL is
 * resolved (SSRF guard) before the transaction opens, so no DNS lookup ever
 * holds a lock. An id of another account is NOT_FOUND, like one that never
 * existed.
 */
export class WebhookEndpointService {
  private readonly now: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly catalog: WebhookEventCatalog,
    private readonly options: EndpointServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async create(actor: Actor, input: CreateEndpointInput): Promise<EndpointWithSecret & { secret: string }> {
    const events = this.catalog.validatePatterns(input.events);
    const description = validateDescription(input.description);
    assertMaySubscribe(actor, this.catalog, events);
    const url = await this.deliverableUrl(input.url);
    const secret = newWebhookSecret();
    const endpoint = await writeTransaction(this.dataSource, async (manager) => {
      const repo = manager.getRepository(WebhookEndpoint);
      if ((await repo.countBy({ accountId: actor.accountId })) >= MAX_ENDPOINTS_PER_ACCOUNT) {
        throw badInput(`An account may have at most ${MAX_ENDPOINTS_PER_ACCOUNT} webhook endpoints`, { field: 'url' });
      }
      const { identifiers } = await repo.insert({
        accountId: actor.accountId,
        url,
        description,
        events,
        enabled: true,
        disabledReason: null,
        createdByKeyId: subscriberOf(actor),
        secret,
        previousSecret: null,
        previousSecretExpiresAt: null,
        failingSince: null,
      });
      const created = await repo.findOneByOrFail({ id: identifiers[0]!.id as number });
      await this.record(manager, actor, 'webhook_endpoint.created', created.id, auditedFields(created));
      return created;
    });
    return { endpoint, secret };
  }

  /**
   * Changing the URL or the events re-checks the subscription scopes and makes
   * the caller the subscribing key (whose scopes the worker checks at send
   * time): a key with webhooks:write alone must not redirect someone else's
   * booking feed to itself. Rotating needs the same scopes, since the secret
   * lets its holder speak for the endpoint. The old secret keeps signing
   * alongside the new one for `secretGraceSeconds`; only one old secret is
   * kept, so a second rotation ends the first one's grace.
   */
  async update(actor: Actor, id: number, input: UpdateEndpointInput): Promise<EndpointWithSecret> {
    const events = input.events == null ? undefined : this.catalog.validatePatterns(input.events);
    const description = input.description === undefined ? undefined : validateDescription(input.description);
    const grace = input.rotateSecret ? validateGraceSeconds(input.secretGraceSeconds) : undefined;
    await this.get(actor.accountId, id); // NOT_FOUND before any DNS lookup
    const url = input.url == null ? undefined : await this.deliverableUrl(input.url);

    let secret: string | null = null;
    const endpoint = await writeTransaction(this.dataSource, async (manager) => {
      const row = await this.lock(manager, actor.accountId, id);
      const patch: Partial<WebhookEndpoint> = {};
      if (url !== undefined && url !== row.url) patch.url = url;
      if (events !== undefined && JSON.stringify(events) !== JSON.stringify(row.events)) patch.events = events;
      if (description !== undefined && description !== row.description) patch.description = description;
      if (input.enabled === true && !row.enabled) Object.assign(patch, { enabled: true, disabledReason: null, failingSince: null });
      if (input.enabled === false && row.enabled) Object.assign(patch, { enabled: false, disabledReason: DISABLED_BY_OWNER });

      const resubscribes = patch.url !== undefined || patch.events !== undefined;
      if (resubscribes || grace !== undefined) assertMaySubscribe(actor, this.catalog, patch.events ?? row.events);
      if (resubscribes) patch.createdByKeyId = subscriberOf(actor);
      if (grace !== undefined) {
        secret = newWebhookSecret();
        Object.assign(patch, {
          secret,
          previousSecret: grace > 0 ? row.secret : null,
          previousSecretExpiresAt: grace > 0 ? new Date(this.now().getTime() + grace * 1000) : null,
        });
      }
      if (Object.keys(patch).length === 0) return row;

      const repo = manager.getRepository(WebhookEndpoint);
      await repo.update({ accountId: actor.accountId, id }, patch);
      const after = await repo.findOneByOrFail({ id });
      const changes: Record<string, unknown> = diffFields(auditedFields(row), auditedFields(after));
      if (grace !== undefined) Object.assign(changes, { secretRotated: true, secretGraceSeconds: grace });
      await this.record(manager, actor, 'webhook_endpoint.updated', id, changes);
      return after;
    });
    return { endpoint, secret };
  }

  /** Its deliveries and their attempt logs go with it (ON DELETE CASCADE); the audit trail keeps what it was. */
  async delete(actor: Actor, id: number): Promise<void> {
    await writeTransaction(this.dataSource, async (manager) => {
      const row = await this.lock(manager, actor.accountId, id);
      await manager.getRepository(WebhookEndpoint).delete({ accountId: actor.accountId, id });
      await this.record(manager, actor, 'webhook_endpoint.deleted', id, auditedFields(row));
    });
  }

  async get(accountId: number, id: number): Promise<WebhookEndpoint> {
    const endpoint = await this.dataSource.getRepository(WebhookEndpoint).findOneBy({ accountId, id });
    if (!endpoint) throw notFound('Webhook endpoint');
    return endpoint;
  }

  /** Newest first; an account has few (MAX_ENDPOINTS_PER_ACCOUNT), so no pagination. */
  list(accountId: number): Promise<WebhookEndpoint[]> {
    return this.dataSource.getRepository(WebhookEndpoint).find({ where: { accountId }, order: { id: 'DESC' } });
  }

  /** One query for many ids (DataLoader); ids of other accounts are simply missing. */
  async findByIds(accountId: number, ids: readonly number[]): Promise<WebhookEndpoint[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(WebhookEndpoint).findBy({ accountId, id: In([...new Set(ids)]) });
  }

  private async deliverableUrl(url: string): Promise<string> {
    const parsed = await assertDeliverableUrl(validateUrlShape(url), this.options);
    return parsed.href;
  }

  private async lock(manager: EntityManager, accountId: number, id: number): Promise<WebhookEndpoint> {
    const row = await lockedInAccount(manager, WebhookEndpoint, 'endpoint', accountId, id, isMySqlFamily(this.dataSource));
    if (!row) throw notFound('Webhook endpoint');
    return row;
  }

  private record(manager: EntityManager, actor: Actor, action: string, targetId: number, changes: Record<string, unknown>) {
    return this.audit.record(manager, actor, { action, targetType: 'WebhookEndpoint', targetId, changes });
  }
}

const subscriberOf = (actor: Actor): number | null => (actor.kind === 'key' ? actor.keyId : null);

/** What the audit trail keeps of an endpoint: its public fields; never a secret. */
export function auditedFields(endpoint: WebhookEndpoint): Record<string, unknown> {
  return {
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    subscribedByKeyId: endpoint.createdByKeyId,
  };
}
