import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../db/entities';
import { isMySqlFamily } from '../db/write-transaction';
import { defaultWebhookEventCatalog, patternsMatch, type WebhookEventCatalog } from './event-catalog';
import type { EventData } from './payloads';

export interface PublishedEvent {
  eventId: number;
  /** The Standard Webhooks `webhook-id` of every delivery of this event. */
  messageId: string;
  /** The endpoints that got a PENDING delivery. */
  endpointIds: number[];
}

export interface PublishOptions {
  now?: Date;
  catalog?: WebhookEventCatalog;
}

/**
 * The transactional outbox (contract §7): writes the event and one PENDING
 * delivery per enabled endpoint of the account whose patterns match, with the
 * CALLER's transaction manager, inside the change's own writeTransaction. So
 * a committed change always has its event and deliveries, and a rolled-back
 * one never does; there is no window in which one exists without the other.
 *
 * The event row is written even when nobody subscribes: it is the account's
 * record that the change happened, and a later endpoint never gets it (an
 * endpoint receives what happens after it subscribes, as with Stripe).
 *
 * After the transaction commits, the caller pokes `WebhookSignal.notify()` so
 * the worker starts at once rather than at its next poll.
 */
export async function publishEvent(
  manager: EntityManager,
  accountId: number,
  type: string,
  data: EventData,
  options: PublishOptions = {},
): Promise<PublishedEvent> {
  const catalog = options.catalog ?? defaultWebhookEventCatalog();
  // A programming error, not input: every publisher names a catalog event.
  if (!catalog.has(type)) throw new Error(`publishEvent: "${type}" is not in schema/webhook-events.json`);
  const now = options.now ?? new Date();

  const { identifiers } = await manager.getRepository(WebhookEvent).insert({ accountId, type, data: data as never, occurredAt: now });
  const eventId = identifiers[0]!.id as number;
  const messageId = newMessageId();

  const endpoints = await subscribedEndpoints(manager, accountId);
  const endpointIds = endpoints.filter((e) => patternsMatch(e.events, type)).map((e) => e.id);
  if (endpointIds.length > 0) {
    await manager.getRepository(WebhookDelivery).insert(
      endpointIds.map((endpointId) => ({
        accountId,
        eventId,
        endpointId,
        messageId,
        status: 'PENDING' as const,
        attempts: 0,
        nextAttemptAt: now,
        lockedUntil: null,
        lastStatusCode: null,
        lastError: null,
      })),
    );
  }
  return { eventId, messageId, endpointIds };
}

/**
 * The account's enabled endpoints, share-locked on MySQL/MariaDB until the
 * change commits. Without the lock, an endpoint deleted (and committed)
 * between this read and the delivery insert would fail that insert's foreign
 * key, and with it the customer's booking; with it, the deletion waits for
 * the change and then takes the new deliveries with it (ON DELETE CASCADE).
 * Share locks do not block each other, so concurrent changes are not
 * serialized by it. SQLite runs one write transaction at a time anyway.
 */
async function subscribedEndpoints(manager: EntityManager, accountId: number): Promise<Pick<WebhookEndpoint, 'id' | 'events'>[]> {
  const qb = manager
    .getRepository(WebhookEndpoint)
    .createQueryBuilder('endpoint')
    .select(['endpoint.id', 'endpoint.events'])
    .where('endpoint.accountId = :accountId AND endpoint.enabled = :enabled', { accountId, enabled: true })
    .orderBy('endpoint.id', 'ASC');
  if (!isMySqlFamily(manager.connection)) return qb.getMany();
  // Not setLock('pessimistic_read'): for a `mysql` DataSource on a server
  // reporting version 8 or above, TypeORM 1.1.1 writes `FOR SHARE`, which
  // MariaDB (10.x, 11.x) rejects. `LOCK IN SHARE MODE` is understood by both.
  const [sql, parameters] = qb.getQueryAndParameters();
  const rows = (await manager.query(`${sql} LOCK IN SHARE MODE`, parameters)) as { endpoint_id: number; endpoint_events: string }[];
  return rows.map((row) => ({ id: Number(row.endpoint_id), events: JSON.parse(row.endpoint_events) as string[] }));
}

/**
 * `msg_` + 128 random bits, the same for every endpoint of one event (one
 * message fanned out, as Svix does) and for every retry of it. Random rather
 * than derived from the event's row id: ids restart when a database is
 * restored or rebuilt, and a receiver deduplicating on `webhook-id` would
 * then drop new events as replays; sequential ids would also tell every
 * receiver how many events the whole server has produced.
 */
function newMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}
