import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { optionalTimestamp, timestamp } from './columns';
import { WebhookEndpoint } from './webhook-endpoint';
import { WebhookEvent } from './webhook-event';

export type WebhookDeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';

/**
 * One event for one endpoint. `messageId` is the Standard Webhooks `webhook-id`:
 * the same on every retry, so receivers can drop duplicates. A worker claims a
 * due row by setting `lockedUntil` (a lease): a worker killed mid-delivery
 * leaves the row to be claimed again once the lease runs out.
 */
@Entity({ name: 'webhook_delivery' })
@Index(['status', 'nextAttemptAt'])
@Index(['accountId', 'endpointId', 'id'])
@Index(['accountId', 'id'])
// An event's deliveries: ON DELETE CASCADE when retention deletes the event (SQLite makes no index for a foreign key),
// and retention's "is any still pending" (webhooks/retention.ts).
@Index(['eventId', 'status'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @Column({ type: 'int' })
  eventId!: number;

  @ManyToOne(() => WebhookEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'eventId' })
  event?: WebhookEvent;

  @Column({ type: 'int' })
  endpointId!: number;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpointId' })
  endpoint?: WebhookEndpoint;

  @Column({ type: 'varchar', length: 64 })
  messageId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: WebhookDeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** When the next attempt is due; null once the delivery is final. */
  @Column(optionalTimestamp)
  nextAttemptAt!: Date | null;

  @Column(optionalTimestamp)
  lockedUntil!: Date | null;

  @Column({ type: 'int', nullable: true })
  lastStatusCode!: number | null;

  /** Why the last attempt failed or the delivery was skipped. */
  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn(timestamp)
  createdAt!: Date;

  @UpdateDateColumn(timestamp)
  updatedAt!: Date;
}
