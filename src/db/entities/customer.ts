import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { timestamp } from './columns';

/**
 * `emailLower` and `nameLower` exist for case-insensitive search that behaves
 * the same on MySQL (collation-dependent) and SQLite (LIKE is ASCII-only
 * case-insensitive): we lower-case once on write and compare lower-case.
 */
@Entity({ name: 'customer' })
@Index(['accountId', 'id'])
@Index(['accountId', 'emailLower'])
export class Customer {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  nameLower!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 254 })
  emailLower!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @CreateDateColumn(timestamp)
  createdAt!: Date;

  @UpdateDateColumn(timestamp)
  updatedAt!: Date;
}
