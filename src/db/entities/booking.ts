import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { optionalTimestamp, timestamp } from './columns';
import { Customer } from './customer';
import { Product } from './product';

export type BookingStatus = 'CONFIRMED' | 'CANCELLED';

/**
 * Indexes serve: the account's list newest first, per-customer lists (the
 * batched Customer.bookings), the capacity check (confirmed bookings of one
 * product overlapping a window) and date-range filters and reports.
 */
@Entity({ name: 'booking' })
@Index(['accountId', 'id'])
@Index(['accountId', 'reference'], { unique: true })
@Index(['customerId', 'id'])
@Index(['productId', 'status', 'startsAt'])
@Index(['accountId', 'startsAt'])
export class Booking {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @Column({ type: 'varchar', length: 16 })
  reference!: string;

  @Column({ type: 'int' })
  productId!: number;

  @ManyToOne(() => Product, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'productId' })
  product?: Product;

  /** Null once the customer is deleted: the booking stays for accounting. */
  @Column({ type: 'int', nullable: true })
  customerId!: number | null;

  @ManyToOne(() => Customer, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'customerId' })
  customer?: Customer | null;

  @Column(timestamp)
  startsAt!: Date;

  @Column(timestamp)
  endsAt!: Date;

  @Column({ type: 'int' })
  quantity!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: BookingStatus;

  @Column({ type: 'int' })
  totalCents!: number;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column(optionalTimestamp)
  cancelledAt!: Date | null;

  @CreateDateColumn(timestamp)
  createdAt!: Date;

  @UpdateDateColumn(timestamp)
  updatedAt!: Date;
}
