import type { DataSource } from 'typeorm';
import type { Product } from '../../db/entities';
import type { Repositories } from '../../db/repositories';
import { writeTransaction } from '../../db/write-transaction';
import { notFound } from '../../errors';
import { MAX_SPAN_MS, boundedInterval, unknownReference } from '../bookings/input-rules';
import { availabilitySlots, type AvailabilitySlot } from '../bookings/occupancy';
import { validateCreateProduct, validateUpdateProduct, type CreateProductInput, type UpdateProductInput } from './product-input';
import { keysetFor, pageOf, type PageRequest } from '../pages';
import { publishEvent } from '../../webhooks/outbox';
import { productData } from '../../webhooks/payloads';
import { NO_WEBHOOK_NOTIFIER, type WebhookNotifier } from '../../webhooks/signal';

export type { CreateProductInput, UpdateProductInput };

/**
 * Product rules and the public availability view. Every method is scoped to
 * one account. Each write publishes its webhook event in its own transaction
 * (the outbox) and pokes the delivery worker once it has committed.
 */
export class ProductService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repos: Repositories,
    private readonly webhookSignal: WebhookNotifier = NO_WEBHOOK_NOTIFIER,
  ) {}

  async create(accountId: number, input: CreateProductInput): Promise<Product> {
    const values = validateCreateProduct(input);
    const product = await writeTransaction(this.dataSource, async (manager) => {
      const created = await this.repos.products.insert(manager, { accountId, ...values });
      await publishEvent(manager, accountId, 'product.created', productData(created));
      return created;
    });
    this.webhookSignal.notify();
    return product;
  }

  /**
   * Lowering capacity below what is already booked is allowed on purpose:
   * the business may have lost a boat or a guide, and the bookings already
   * made are theirs to move or cancel, not ours to refuse the change over.
   * Existing bookings stay; availability shows 0 (never negative) where they
   * exceed the new capacity, and new bookings there are refused until enough
   * are cancelled. The update takes the product row's lock (writeTransaction),
   * so it is ordered against concurrent bookings, never interleaved.
   */
  async update(accountId: number, id: number, input: UpdateProductInput): Promise<Product> {
    const patch = validateUpdateProduct(input);
    const updated = await writeTransaction(this.dataSource, async (manager) => {
      const product = await this.repos.products.lockInAccount(manager, accountId, id);
      if (!product) throw notFound('Product');
      await this.repos.products.update(manager, accountId, id, patch);
      const after = (await this.repos.products.findInAccount(accountId, id, manager))!;
      await publishEvent(manager, accountId, 'product.updated', productData(after));
      return after;
    });
    this.webhookSignal.notify();
    return updated;
  }

  async get(accountId: number, id: number): Promise<Product> {
    const product = await this.repos.products.findInAccount(accountId, id);
    if (!product) throw notFound('Product');
    return product;
  }

  /** One query for many ids (DataLoader); ids of other accounts are simply missing. */
  findByIds(accountId: number, ids: readonly number[]): Promise<Product[]> {
    return this.repos.products.findByIds(accountId, ids);
  }

  /** Newest first; fetches one row more than asked to know whether another page follows. */
  async list(accountId: number, page: PageRequest): Promise<{ nodes: Product[]; hasNextPage: boolean }> {
    const rows = await this.repos.products.listInAccount(accountId, keysetFor(page));
    return pageOf(rows, page);
  }

  /**
   * Free units over [from, to) as consecutive slots, from confirmed bookings.
   * The same sweep decides at booking time whether a booking fits. Read
   * without a transaction: it is a snapshot for display, and the booking
   * itself is checked again under the product's lock.
   */
  async availability(accountId: number, productId: number, from: Date, to: Date): Promise<AvailabilitySlot[]> {
    const window = boundedInterval(from, to, { start: 'from', end: 'to' }, 'An availability window');
    const product = await this.repos.products.findInAccount(accountId, productId);
    if (!product) throw unknownReference('productId', 'product');
    const booked = await this.repos.bookings.confirmedOverlapping(product.id, window, { maxDurationMs: MAX_SPAN_MS });
    return availabilitySlots(product.capacity, window, booked);
  }
}
