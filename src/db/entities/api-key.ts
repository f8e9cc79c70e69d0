import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { KeyType } from '../../scopes/types';
import { Account } from './account';
import { optionalStringList, optionalTimestamp, stringList, timestamp } from './columns';
import { ScopePolicy } from './scope-policy';

/**
 * A key's identity and permissions. Its secrets live in `api_key_secret`, so
 * that rolling a key (a new secret, the old one alive for a grace period) keeps
 * one record, one id and one request log.
 */
@Entity({ name: 'api_key' })
@Index(['accountId', 'createdAt'])
@Index(['accountId', 'name'], { unique: true })
export class ApiKey {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'accountId' })
  account?: Account;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: KeyType;

  /** First characters of the current secret: all that is ever shown again. */
  @Column({ type: 'varchar', length: 12 })
  prefix!: string;

  @Column(stringList)
  scopes!: string[];

  @Column(stringList)
  bundles!: string[];

  @ManyToMany(() => ScopePolicy)
  @JoinTable({ name: 'api_key_policy', joinColumn: { name: 'apiKeyId' }, inverseJoinColumn: { name: 'policyId' } })
  policies?: ScopePolicy[];

  @Column(optionalTimestamp)
  expiresAt!: Date | null;

  @Column(optionalStringList)
  ipAllowlist!: string[] | null;

  @Column(optionalStringList)
  allowedOrigins!: string[] | null;

  @Column({ type: 'int', nullable: true })
  createdById!: number | null;

  @Column(optionalTimestamp)
  lastUsedAt!: Date | null;

  @Column(optionalTimestamp)
  revokedAt!: Date | null;

  @CreateDateColumn(timestamp)
  createdAt!: Date;

  @UpdateDateColumn(timestamp)
  updatedAt!: Date;
}
