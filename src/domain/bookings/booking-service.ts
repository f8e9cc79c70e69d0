import type { DataSource, EntityManager } from 'typeorm';
import type { Booking, Product } from '../../db/entities';
import type { BookingFilter, BookingRelation, BookingValues, Repositories } from '../../db/repositories';
import { writeTransaction } from '../../db/write-transaction';
import { AppError, badInput, notFound } from '../../errors';
import {
  totalCents,
  updatedWindow,
  validateCreateBooking,
  validateFilter,
  validateUpdateBooking,
  type CreateBookingInput,
  type UpdateBookingInput,
} from './booking-input';
import { MAX_SPAN_MS, unknownReference } from './input-rules';
import { peakUsage, type Interval } from './occupancy';
import { newReference } from './reference';
import { keysetFor, pageOf, pagesByParent, type PageRequest } from '../pages';
import { publishEvent } from '../../webhooks/outbox';
import { bookingData } from '../../webhooks/payloads';
import { NO_WEBHOOK_NOTIFIER, type WebhookNotifier } from '../../webhooks/signal';

export type { CreateBookingInput, UpdateBookingInput };

export interface BookingPage {
  nodes: Booking[];
  hasNextPage: boolean;
}

export interface BookingServiceOptions {
  now?: () => Date;
  /** Injected by tests to force a reference collision. */
  newReference?: () => string;
  /** Poked after each committed write, which published a webhook event. */
  webhookSignal?: WebhookNotifier;
}

const REFERENCE_ATTEMPTS = 5;

/**
 * Booking rules, above all: never more units booked for one moment than the
 * product has. Every write runs in one writeTransaction that takes the
 * product's lock before reading what is booked, so two requests for the last
 * unit are decided one after the other, each seeing the other's result.
 * The same transaction publishes the write's webhook event (the outbox), so a
 * booking refused for capacity leaves no event behind.
 */
export class BookingService {
  private readonly now: () => Date;
  private readonly newReference: () => string;
  private readonly webhookSignal: WebhookNotifier;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repos: Repositories,
    options: BookingServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newReference = options.newReference ?? newReference;
    this.webhookSignal = options.webhookSignal ?? NO_WEBHOOK_NOTIFIER;
  }

  async create(accountId: number, input: CreateBookingInput): Promise<Booking> {
    const valid = validateCreateBooking(input);
    return this.publishing('booking.created', async (manager) => {
      const product = await this.repos.products.lockInAccount(manager, accountId, valid.productId);
      if (!product) throw unknownReference('productId', 'product');
      const customer = await this.repos.customers.findInAccount(accountId, valid.customerId, manager);
      if (!customer) throw unknownReference('customerId', 'customer');
      const total = totalCents(product.priceCents, valid.quantity);
      await this.assertFits(manager, product, valid, valid.quantity);
      return this.insertWithFreshReference(manager, {
        accountId,
        productId: product.id,
        customerId: customer.id,
        startsAt: valid.startsAt,
        endsAt: valid.endsAt,
        quantity: valid.quantity,
        status: 'CONFIRMED',
        totalCents: total,
        notes: valid.notes,
      });
    });
  }

  /**
   * Moves or resizes a confirmed booking. The unit price stays the one fixed
   * at booking time (totalCents / quantity), so a reschedule never reprices.
   * Capacity is checked only when the change can use more at some moment;
   * shrinking always succeeds, even on a product whose capacity was lowered.
   */
  async update(accountId: number, id: number, input: UpdateBookingInput): Promise<Booking> {
    const patch = validateUpdateBooking(input);
    return this.publishing('booking.updated', async (manager) => {
      const found = await this.repos.bookings.findInAccount(accountId, id, manager);
      if (!found) throw notFound('Booking');
      // Product first, then the booking: the order create takes them in, so
      // the two never wait on each other in a cycle. The locked read is the
      // latest committed state, whatever happened since `found`.
      const product = await this.repos.products.lockInAccount(manager, accountId, found.productId);
      const booking = await this.repos.bookings.lockInAccount(manager, accountId, id);
      if (!product || !booking) throw notFound('Booking');
      if (booking.status === 'CANCELLED') {
        throw badInput(`Booking ${booking.reference} is cancelled and can no longer be changed`, { field: 'id' });
      }
      const window = updatedWindow(booking, patch);
      const quantity = patch.quantity ?? booking.quantity;
      const usesMore =
        window.startsAt < booking.startsAt || window.endsAt > booking.endsAt || quantity > booking.quantity;
      if (usesMore) await this.assertFits(manager, product, window, quantity, booking.id);
      await this.repos.bookings.update(manager, booking.id, {
        ...window,
        quantity,
        totalCents: totalCents(booking.totalCents / booking.quantity, quantity),
        ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      });
      return (await this.repos.bookings.findInAccount(accountId, id, manager))!;
    });
  }

  /** Idempotent: cancelling a cancelled booking returns it unchanged (cancelledAt kept). */
  async cancel(accountId: number, id: number): Promise<Booking> {
    const { booking, cancelled } = await writeTransaction(this.dataSource, async (manager) => {
      const booking = await this.repos.bookings.lockInAccount(manager, accountId, id);
      if (!booking) throw notFound('Booking');
      if (booking.status === 'CANCELLED') return { booking, cancelled: false };
      await this.repos.bookings.markCancelled(manager, booking.id, this.now());
      const after = (await this.repos.bookings.findInAccount(accountId, id, manager))!;
      await publishEvent(manager, accountId, 'booking.cancelled', bookingData(after));
      return { booking: after, cancelled: true };
    });
    if (cancelled) this.webhookSignal.notify();
    return booking;
  }

  async get(accountId: number, id: number): Promise<Booking> {
    const booking = await this.repos.bookings.findInAccount(accountId, id);
    if (!booking) throw notFound('Booking');
    return booking;
  }

  /** One query for many ids (DataLoader); ids of other accounts are simply missing. */
  findByIds(accountId: number, ids: readonly number[]): Promise<Booking[]> {
    return this.repos.bookings.findByIds(accountId, ids);
  }

  /**
   * Newest first. A productId or customerId of another account matches nothing, like an unknown one.
   * `related`: relations read in the same statement, set on each booking (null when there is none).
   */
  async list(accountId: number, page: PageRequest, filter: BookingFilter = {}, related: readonly BookingRelation[] = []): Promise<BookingPage> {
    const rows = await this.repos.bookings.listInAccount(accountId, keysetFor(page), validateFilter(filter), related);
    return pageOf(rows, page);
  }

  /**
   * The same page (first, afterId) of bookings for each customer, in one
   * query, for Customer.bookings through a DataLoader. Every requested id gets
   * an entry; unknown ids and other accounts' get an empty page.
   */
  async pageByCustomers(accountId: number, customerIds: readonly number[], page: PageRequest): Promise<Map<number, BookingPage>> {
    const rows = await this.repos.bookings.pageByCustomers(accountId, customerIds, keysetFor(page));
    return pagesByParent(rows, customerIds, (row) => row.customerId, page);
  }

  /**
   * One write transaction whose result is published as `type` (the booking
   * as it stands after the write) before it commits; the worker is poked once
   * it has.
   */
  private async publishing(type: string, work: (manager: EntityManager) => Promise<Booking>): Promise<Booking> {
    const booking = await writeTransaction(this.dataSource, async (manager) => {
      const written = await work(manager);
      await publishEvent(manager, written.accountId, type, bookingData(written));
      return written;
    });
    this.webhookSignal.notify();
    return booking;
  }

  /** Throws CAPACITY_EXCEEDED unless `quantity` more units fit at every moment of `window`. */
  private async assertFits(
    manager: EntityManager,
    product: Product,
    window: Interval,
    quantity: number,
    excludeId?: number,
  ): Promise<void> {
    const booked = await this.repos.bookings.confirmedOverlapping(
      product.id,
      window,
      { maxDurationMs: MAX_SPAN_MS, excludeId },
      manager,
    );
    const peak = peakUsage(window, booked);
    if (peak + quantity <= product.capacity) return;
    const available = Math.max(0, product.capacity - peak);
    throw new AppError(
      'CAPACITY_EXCEEDED',
      `Only ${available} of ${product.capacity} units of "${product.name}" are free for all of ` +
        `${window.startsAt.toISOString()} to ${window.endsAt.toISOString()}; ${quantity} requested`,
      { available, requested: quantity },
    );
  }

  /** The unique (accountId, reference) index decides; a taken code is retried with a new one. */
  private async insertWithFreshReference(manager: EntityManager, values: Omit<BookingValues, 'reference'>): Promise<Booking> {
    for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt += 1) {
      const booking = await this.repos.bookings.tryInsert(manager, { ...values, reference: this.newReference() });
      if (booking) return booking;
    }
    throw new Error(`no free booking reference after ${REFERENCE_ATTEMPTS} attempts`);
  }
}
