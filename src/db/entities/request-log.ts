import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKey } from './api-key';
import { optionalStringList, stringList, timestamp } from './columns';

/**
 * One authenticated request (contract section 4). Never the key or the
 * Authorization header. Deleting a key deletes its logs (ON DELETE CASCADE).
 */
@Entity({ name: 'request_log' })
@Index(['apiKeyId', 'id'])
@Index(['apiKeyId', 'at'])
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

  /** Root fields of the operation, e.g. ["bookings", "viewer"]. */
  @Column(stringList)
  rootFields!: string[];

  /**
   * The scopes the request used, sorted: for every requirement its selection met
   * and the key held, the scopes of the first alternative the key held in full
   * (`OperationRequirements.scopesUsed`). Empty when nothing executed. Null on
   * rows written before this was recorded: unknown, not "nothing". Read by
   * `ApiKey.scopeUsage`.
   */
  @Column(optionalStringList)
  scopesUsed!: string[] | null;

  /** `OK`, or the first error code of the response. */
  @Column({ type: 'varchar', length: 40 })
  outcome!: string;

  @Column({ type: 'int' })
  durationMs!: number;

  @Column({ type: 'varchar', length: 45 })
  clientAddress!: string;
}
