import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timestamp } from './columns';

/**
 * One change to a key or a policy (issue 5): who, what, when and the changed
 * fields, never a secret. Ids only, no foreign keys: the trail must outlive
 * the keys and policies it speaks of.
 */
@Entity({ name: 'audit_entry' })
@Index(['accountId', 'targetType', 'targetId', 'id'])
@Index(['accountId', 'actorKeyId', 'id'])
@Index(['accountId', 'id'])
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  accountId!: number;

  /** The acting key; null when an operator acted at the CLI. */
  @Column({ type: 'int', nullable: true })
  actorKeyId!: number | null;

  /** e.g. `api_key.created`, `api_key.rolled`, `scope_policy.deleted`. */
  @Column({ type: 'varchar', length: 40 })
  action!: string;

  @Column({ type: 'varchar', length: 40 })
  targetType!: string;

  @Column({ type: 'int' })
  targetId!: number;

  /** Changed fields as `{ field: { from, to } }`, or a snapshot on create/delete. */
  @Column({ type: 'simple-json' })
  changes!: Record<string, unknown>;

  @Column(timestamp)
  at!: Date;
}
