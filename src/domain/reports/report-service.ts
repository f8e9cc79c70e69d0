import type { BookingSummaryRow, Repositories } from '../../db/repositories';
import { badInput } from '../../errors';
import { validDate } from '../bookings/input-rules';

export type { BookingSummaryRow };

export interface BookingSummary {
  from: Date;
  to: Date;
  /** Confirmed bookings starting in the window. */
  confirmedBookings: number;
  /** Sum of totalCents of those confirmed bookings. */
  revenueCents: number;
  rows: BookingSummaryRow[];
}

/**
 * Sorted in JS rather than by ORDER BY: MySQL would order names by its
 * collation (case-insensitive) and SQLite by bytes, and a report must read
 * the same on both. There are only (products × statuses) rows.
 */
const byName = new Intl.Collator('en', { numeric: true });

/** Read-only numbers over bookings. No window limit: the (accountId, startsAt) index bounds the scan. */
export class ReportService {
  constructor(private readonly repos: Repositories) {}

  async bookingSummary(accountId: number, from: Date, to: Date): Promise<BookingSummary> {
    validDate(from, 'from');
    validDate(to, 'to');
    if (to.getTime() <= from.getTime()) throw badInput(`to must be after from (${from.toISOString()})`, { field: 'to' });
    const rows = (await this.repos.bookings.summary(accountId, from, to)).sort(
      (a, b) => byName.compare(a.productName, b.productName) || a.productId - b.productId || a.status.localeCompare(b.status),
    );
    const confirmed = rows.filter((row) => row.status === 'CONFIRMED');
    return {
      from,
      to,
      confirmedBookings: confirmed.reduce((sum, row) => sum + row.bookings, 0),
      revenueCents: confirmed.reduce((sum, row) => sum + row.totalCents, 0),
      rows,
    };
  }
}
