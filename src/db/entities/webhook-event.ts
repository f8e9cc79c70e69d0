import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timestamp } from './columns';

/**
 * The outbox: written in the same transaction as the change it describes, so a
 * committed change always has its event and a rolled-back one never does.
 */
@Entity({ name: 'webhook_event' })
@Index(['accountId', 'id'])
export class WebhookEvent {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  accountId!: number;

  /** e.g. `booking.created` */
  @Column({ type: 'varchar', length: 64 })
  type!: string;

  /** The payload's `data`. */
  @Column({ type: 'simple-json' })
  data!: Record<string, unknown>;

  @Column(timestamp)
  occurredAt!: Date;
}
