import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PolicyMode } from '../../scopes/types';
import { stringList, timestamp } from './columns';

/** A named ALLOW or DENY scope list. Built-in policies have no account and are locked. */
@Entity({ name: 'scope_policy' })
@Index(['accountId', 'name'], { unique: true })
export class ScopePolicy {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int', nullable: true })
  accountId!: number | null;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: PolicyMode;

  @Column(stringList)
  scopes!: string[];

  @Column({ type: 'boolean', default: false })
  builtIn!: boolean;

  @CreateDateColumn(timestamp)
  createdAt!: Date;

  @UpdateDateColumn(timestamp)
  updatedAt!: Date;
}
