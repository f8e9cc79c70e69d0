import { EventSubscriber, type AfterQueryEvent, type EntitySubscriberInterface } from 'typeorm';

/**
 * mysql2's per-query timeout (DB_TIMEOUT_MS, see data-source.ts) fails the
 * query but keeps its connection, still waiting for the answer: released to
 * the pool, every later query on it would queue behind the lost one, and a
 * queued query's timer never starts, so it would hang for good. Destroying the
 * connection takes it out of the pool; the pool opens a fresh one when asked.
 */
// TypeORM only builds subscribers registered by this decorator, even when listed in the options.
@EventSubscriber()
export class DropTimedOutConnections implements EntitySubscriberInterface {
  afterQuery(event: AfterQueryEvent): void {
    if ((event.error as { code?: unknown } | undefined)?.code !== 'PROTOCOL_SEQUENCE_TIMEOUT') return;
    const connection = (event.queryRunner as { databaseConnection?: { destroy?: () => void } }).databaseConnection;
    connection?.destroy?.();
  }
}
