import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { timestamp } from './columns';

@Entity({ name: 'account' })
export class Account {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Operator-facing handle (`scopeql keys create --account acme`). */
  @Column({ type: 'varchar', length: 64, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @CreateDateColumn(timestamp)
  createdAt!: Date;
}
