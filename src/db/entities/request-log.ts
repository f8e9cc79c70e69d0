import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKey } from './api-key';
import { stringList, timestamp } from './columns';

/**
 * One authenticated request (contract section 4). Never the key or the
 * Authorization header. Deleting a key deletes its logs (ON DELETE CASCADE).
 */
@Entity({ name: 'request_log' })
@Index(['apiKeyId', 'id'])
@Index(['at'])
export class RequestLog {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  apiKeyId!: number;

  @ManyToOne(() => ApiKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'apiKeyId' })
  apiKey?: ApiKey;

  @Column({ type: 'int' })
  accountId!: number;

  @Column(timestamp)
  at!: Date;

  @Column({ type: 'varchar', length: 200, nullable: true })
  operationName!: string | null;

  /** Root fields of the operation, e.g. ["bookings", "viewer"]: what scope-usage reports read. */
  @Column(stringList)
  rootFields!: string[];

  /** `OK`, or the first error code of the response. */
  @Column({ type: 'varchar', length: 40 })
  outcome!: string;

  @Column({ type: 'int' })
  durationMs!: number;

  @Column({ type: 'varchar', length: 45 })
  clientAddress!: string;
}
