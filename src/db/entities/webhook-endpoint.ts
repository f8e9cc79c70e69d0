import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { optionalTimestamp, stringList, timestamp } from './columns';

/**
 * Where an account's events go. The signing secret is kept readable (HMAC needs
 * it), never shown again after creation or rotation. `createdByKeyId` is the
 * subscribing key: deliveries are checked against its scopes at send time.
 */
@Entity({ name: 'webhook_endpoint' })
@Index(['accountId', 'id'])
export class WebhookEndpoint {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Event names or patterns (`booking.*`) as subscribed. */
  @Column(stringList)
  events!: string[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Why the endpoint was disabled (by its owner, a 410 Gone, or failing too long). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  disabledReason!: string | null;

  @Column({ type: 'int', nullable: true })
  createdByKeyId!: number | null;

  @Column({ type: 'varchar', length: 128 })
  secret!: string;

  /** The secret before a rotation, still signing alongside until `previousSecretExpiresAt`. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  previousSecret!: string | null;

  @Column(optionalTimestamp)
  previousSecretExpiresAt!: Date | null;

  /** Start of the current run of failed attempts; null after a success. */
  @Column(optionalTimestamp)
  failingSince!: Date | null;

  @CreateDateColumn(timestamp)
  createdAt!: Date;

  @UpdateDateColumn(timestamp)
  updatedAt!: Date;
}
