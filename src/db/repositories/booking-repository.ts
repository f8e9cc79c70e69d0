import type { DataSource, EntityManager } from 'typeorm';
import { Booking, type BookingStatus } from '../entities';
import { isMySqlFamily } from '../write-transaction';
import type { Condition } from '../entity-reader';
import { byIdsInAccount, lockedInAccount, newestFirstInAccount, newestFirstPerParent, type KeysetPage } from './account-scoped';
import { isUniqueViolation } from '../driver-errors';

export type BookingValues = Pick<
  Booking,
  'accountId' | 'reference' | 'productId' | 'customerId' | 'startsAt' | 'endsAt' | 'quantity' | 'status' | 'totalCents' | 'notes'
>;
export type BookingPatch = Partial<Pick<Booking, 'startsAt' | 'endsAt' | 'quantity' | 'totalCents' | 'notes'>>;

/** A booking's relations a list can read in its own statement. */
export type BookingRelation = 'product' | 'customer';

export interface BookingFilter {
  status?: BookingStatus;
  /** Bookings starting at or after this moment. */
  from?: Date;
  /** Bookings starting before this moment. */
  to?: Date;
  productId?: number;
  customerId?: number;
}

export interface BookingSummaryRow {
  productId: number;
  productName: string;
  status: BookingStatus;
  bookings: number;
  quantity: number;
  totalCents: number;
}

/** Reads and writes of bookings, always scoped by account (or by a product already found in it). */
export class BookingRepository {
  constructor(private readonly dataSource: DataSource) {}

  findInAccount(accountId: number, id: number, manager: EntityManager = this.dataSource.manager): Promise<Booking | null> {
    return manager.getRepository(Booking).findOneBy({ accountId, id });
  }

  /** The booking, held until the transaction ends (MySQL), so a concurrent cancel waits for an update. */
  lockInAccount(manager: EntityManager, accountId: number, id: number): Promise<Booking | null> {
    return lockedInAccount(manager, Booking, 'booking', accountId, id, isMySqlFamily(this.dataSource));
  }

  findByIds(accountId: number, ids: readonly number[]): Promise<Booking[]> {
    return byIdsInAccount(this.dataSource, Booking, accountId, ids);
  }

  /** Newest first, keyset on id; filters on status, start time, product and customer; `related` read in the same statement. */
  listInAccount(accountId: number, page: KeysetPage, filter: BookingFilter = {}, related: readonly BookingRelation[] = []): Promise<Booking[]> {
    const filters: Condition<Booking>[] = [];
    if (filter.status) filters.push(['status', '=', filter.status]);
    if (filter.from) filters.push(['startsAt', '>=', filter.from]);
    if (filter.to) filters.push(['startsAt', '<', filter.to]);
    if (filter.productId !== undefined) filters.push(['productId', '=', filter.productId]);
    if (filter.customerId !== undefined) filters.push(['customerId', '=', filter.customerId]);
    return newestFirstInAccount(this.dataSource, Booking, accountId, page, filters, related);
  }

  /**
   * Confirmed bookings of a product overlapping [startsAt, endsAt). Bookings
   * last at most `maxDurationMs`, so one overlapping the window starts after
   * `startsAt - maxDurationMs`: that lower bound keeps the scan of the
   * (productId, status, startsAt) index to the window instead of the
   * product's whole history.
   */
  confirmedOverlapping(
    productId: number,
    window: { startsAt: Date; endsAt: Date },
    options: { maxDurationMs: number; excludeId?: number },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Pick<Booking, 'id' | 'startsAt' | 'endsAt' | 'quantity'>[]> {
    const qb = manager
      .getRepository(Booking)
      .createQueryBuilder('booking')
      .select(['booking.id', 'booking.startsAt', 'booking.endsAt', 'booking.quantity'])
      .where('booking.productId = :productId', { productId })
      .andWhere("booking.status = 'CONFIRMED'")
      .andWhere('booking.startsAt < :endsAt', { endsAt: window.endsAt })
      .andWhere('booking.startsAt > :earliest', { earliest: new Date(window.startsAt.getTime() - options.maxDurationMs) })
      .andWhere('booking.endsAt > :startsAt', { startsAt: window.startsAt });
    if (options.excludeId !== undefined) qb.andWhere('booking.id <> :excludeId', { excludeId: options.excludeId });
    return qb.getMany();
  }

  /**
   * Null when the reference is already taken in the account (the unique
   * index says so), for the caller to retry with another. A duplicate-key
   * error fails only the statement on both engines, not the transaction.
   */
  async tryInsert(manager: EntityManager, values: BookingValues): Promise<Booking | null> {
    try {
      const { identifiers } = await manager.getRepository(Booking).insert(values);
      return await manager.getRepository(Booking).findOneByOrFail({ id: identifiers[0]!.id as number });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async update(manager: EntityManager, id: number, patch: BookingPatch): Promise<void> {
    if (Object.keys(patch).length > 0) await manager.getRepository(Booking).update({ id }, patch);
  }

  async markCancelled(manager: EntityManager, id: number, at: Date): Promise<void> {
    await manager.getRepository(Booking).update({ id, status: 'CONFIRMED' }, { status: 'CANCELLED', cancelledAt: at });
  }

  /**
   * A page of bookings (newest first) for each of many customers in ONE
   * query: ROW_NUMBER() numbers each customer's bookings, the outer query
   * keeps the first `limit` of each (MariaDB 10.2+, SQLite 3.25+). The
   * (customerId, id) index serves the partitions.
   */
  pageByCustomers(accountId: number, customerIds: readonly number[], page: KeysetPage): Promise<Booking[]> {
    return newestFirstPerParent(this.dataSource.getRepository(Booking), 'booking', 'customerId', accountId, customerIds, page);
  }

  /**
   * Counts and sums per product and status of bookings starting in [from, to).
   * mysql2 returns SUM() as a decimal string (COUNT() as a number), SQLite
   * returns numbers: everything is converted here, so callers get numbers.
   */
  async summary(accountId: number, from: Date, to: Date): Promise<BookingSummaryRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource
      .getRepository(Booking)
      .createQueryBuilder('booking')
      .innerJoin('booking.product', 'product')
      .select('booking.productId', 'productId')
      .addSelect('product.name', 'productName')
      .addSelect('booking.status', 'status')
      .addSelect('COUNT(*)', 'bookings')
      .addSelect('SUM(booking.quantity)', 'quantity')
      .addSelect('SUM(booking.totalCents)', 'totalCents')
      .where('booking.accountId = :accountId', { accountId })
      .andWhere('booking.startsAt >= :from AND booking.startsAt < :to', { from, to })
      .groupBy('booking.productId')
      .addGroupBy('product.name')
      .addGroupBy('booking.status')
      .getRawMany();
    return rows.map((row) => ({
      productId: Number(row.productId),
      productName: String(row.productName),
      status: row.status as BookingStatus,
      bookings: Number(row.bookings),
      quantity: Number(row.quantity),
      totalCents: Number(row.totalCents),
    }));
  }
}

