import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { timestamp } from './columns';
import { WebhookDelivery } from './webhook-delivery';

/** One HTTP attempt of a delivery: the delivery log. */
@Entity({ name: 'webhook_attempt' })
@Index(['deliveryId', 'id'])
export class WebhookAttempt {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  deliveryId!: number;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deliveryId' })
  delivery?: WebhookDelivery;

  @Column({ type: 'int' })
  accountId!: number;

  @Column(timestamp)
  at!: Date;

  /** The response status, or null when no response came (timeout, refused, SSRF guard). */
  @Column({ type: 'int', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'int' })
  latencyMs!: number;

  @Column({ type: 'boolean' })
  succeeded!: boolean;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
