import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKey } from './api-key';
import { optionalTimestamp, timestamp } from './columns';

/**
 * One secret of a key, stored only as the SHA-256 of the whole key string and
 * found through the unique index on that hash. A rolled-away secret keeps
 * working until `expiresAt` (the grace period the caller chose).
 */
@Entity({ name: 'api_key_secret' })
export class ApiKeySecret {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  @Index()
  apiKeyId!: number;

  @ManyToOne(() => ApiKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'apiKeyId' })
  apiKey?: ApiKey;

  @Column({ type: 'varchar', length: 64, unique: true })
  keyHash!: string;

  @Column(optionalTimestamp)
  expiresAt!: Date | null;

  @CreateDateColumn(timestamp)
  createdAt!: Date;
}
