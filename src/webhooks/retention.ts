import type { DataSource } from 'typeorm';
import { deleteInChunks } from '../db/chunked-delete';
import { WebhookDelivery, WebhookEvent } from '../db/entities';

const DAY_MS = 86_400_000;

/**
 * WEBHOOK_RETENTION_DAYS: an event older than that, none of whose deliveries
 * is still pending, goes with its deliveries and their attempts (ON DELETE
 * CASCADE), so the outbox and the delivery log do not grow for ever. A
 * delivery still being retried keeps its event however old it is: the worker
 * needs the payload. Run hourly by a PruneSchedule (app.ts).
 */
export class WebhookRetention {
  constructor(
    private readonly dataSource: DataSource,
    private readonly retentionDays: number,
  ) {}

  /** Deletes what is past retention as seen from `now`; returns how many events went. */
  prune(now: Date, chunk?: number): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionDays * DAY_MS);
    return deleteInChunks(
      this.dataSource.getRepository(WebhookEvent),
      'event',
      (query) =>
        query.where('event.occurredAt < :cutoff', { cutoff }).andWhere((outer) => {
          const pending = outer
            .subQuery()
            .select('1')
            .from(WebhookDelivery, 'pending')
            .where('pending.eventId = event.id')
            .andWhere("pending.status = 'PENDING'")
            .getQuery();
          return `NOT EXISTS ${pending}`;
        }),
      chunk,
    );
  }
}
