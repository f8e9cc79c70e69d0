import { In, type DataSource } from 'typeorm';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent, type WebhookDeliveryStatus } from '../db/entities';
import type { Condition } from '../db/entity-reader';
import { lockedInAccount, newestFirstInAccount, newestFirstPerParent } from '../db/repositories/account-scoped';
import { isMySqlFamily, writeTransaction } from '../db/write-transaction';
import { keysetFor, pageOf, pagesByParent, type Page, type PageRequest } from '../domain/pages';
import { AppError, badInput, notFound } from '../errors';
import type { WebhookNotifier } from './signal';

export interface DeliveryFilter {
  endpointId?: number;
  status?: WebhookDeliveryStatus;
}

/**
 * The delivery log (issue 6 item 5): deliveries with their attempts, read per
 * account, and `retry`, which puts a failed or skipped delivery back in the
 * queue. The worker writes the log; this only reads it and re-queues.
 */
export class WebhookDeliveryLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signal: WebhookNotifier,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Newest first. An endpointId of another account is NOT_FOUND, exactly like one that never existed. */
  async list(accountId: number, page: PageRequest, filter: DeliveryFilter = {}): Promise<Page<WebhookDelivery>> {
    if (filter.endpointId !== undefined) {
      const endpoint = await this.dataSource.getRepository(WebhookEndpoint).existsBy({ accountId, id: filter.endpointId });
      if (!endpoint) throw new AppError('NOT_FOUND', 'Webhook endpoint not found', { field: 'endpointId' });
    }
    const filters: Condition<WebhookDelivery>[] = [];
    if (filter.endpointId !== undefined) filters.push(['endpointId', '=', filter.endpointId]);
    if (filter.status !== undefined) filters.push(['status', '=', filter.status]);
    return pageOf(await newestFirstInAccount(this.dataSource, WebhookDelivery, accountId, keysetFor(page), filters), page);
  }

  /** One query for many ids (DataLoader); ids of other accounts are simply missing. */
  async findByIds(accountId: number, ids: readonly number[]): Promise<WebhookDelivery[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(WebhookDelivery).findBy({ accountId, id: In([...new Set(ids)]) });
  }

  /** The type of each event, without its payload (which a deliveries:read key must not see: see the SDL). */
  async eventTypes(accountId: number, eventIds: readonly number[]): Promise<Map<number, string>> {
    if (eventIds.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(WebhookEvent).find({
      select: { id: true, type: true },
      where: { accountId, id: In([...new Set(eventIds)]) },
    });
    return new Map(rows.map((row) => [row.id, row.type]));
  }

  /** The newest `page.first` attempts of each delivery, in one query, for `WebhookDelivery.attemptLog`. */
  async attemptsByDeliveries(accountId: number, deliveryIds: readonly number[], page: PageRequest): Promise<Map<number, Page<WebhookAttempt>>> {
    const repository = this.dataSource.getRepository(WebhookAttempt);
    const rows = await newestFirstPerParent(repository, 'attempt', 'deliveryId', accountId, deliveryIds, keysetFor(page));
    return pagesByParent(rows, deliveryIds, (row) => row.deliveryId, page);
  }

  /**
   * A FAILED (retries exhausted) or SKIPPED delivery goes back to PENDING, due
   * now, keeping its attempt count and log (and its `webhook-id`, so a
   * receiver that did get it after all can drop the duplicate). PENDING and
   * SUCCEEDED ones are refused: the first is already queued, the second
   * arrived. The endpoint must be enabled, or the worker would not send it.
   */
  async retry(accountId: number, id: number): Promise<WebhookDelivery> {
    const delivery = await writeTransaction(this.dataSource, async (manager) => {
      const row = await lockedInAccount(manager, WebhookDelivery, 'delivery', accountId, id, isMySqlFamily(this.dataSource));
      if (!row) throw notFound('Webhook delivery');
      if (row.status !== 'FAILED' && row.status !== 'SKIPPED') {
        throw badInput(`This delivery is ${row.status.toLowerCase()}: only a failed or skipped delivery can be retried`, {
          field: 'id',
          status: row.status,
        });
      }
      const endpoint = await manager.getRepository(WebhookEndpoint).findOneByOrFail({ accountId, id: row.endpointId });
      if (!endpoint.enabled) {
        throw badInput(`Its endpoint is disabled (${endpoint.disabledReason ?? 'no reason given'}): enable it with updateWebhookEndpoint first`, {
          field: 'id',
        });
      }
      await manager.getRepository(WebhookDelivery).update({ id: row.id }, { status: 'PENDING', nextAttemptAt: this.now(), lockedUntil: null });
      return manager.getRepository(WebhookDelivery).findOneByOrFail({ id: row.id });
    });
    this.signal.notify();
    return delivery;
  }
}
