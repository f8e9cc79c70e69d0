import type { DataSource } from 'typeorm';
import type { Customer } from '../../db/entities';
import type { Repositories } from '../../db/repositories';
import { writeTransaction } from '../../db/write-transaction';
import { notFound } from '../../errors';
import {
  validateCreateCustomer,
  validateSearch,
  validateUpdateCustomer,
  type CreateCustomerInput,
  type UpdateCustomerInput,
} from './customer-input';
import { keysetFor, pageOf, type PageRequest } from '../pages';
import { publishEvent } from '../../webhooks/outbox';
import { customerData } from '../../webhooks/payloads';
import { NO_WEBHOOK_NOTIFIER, type WebhookNotifier } from '../../webhooks/signal';

export type { CreateCustomerInput, UpdateCustomerInput };

/**
 * Customer rules. Every method is scoped to one account. Each write publishes
 * its webhook event in its own transaction (the outbox) and pokes the
 * delivery worker once it has committed.
 */
export class CustomerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repos: Repositories,
    private readonly webhookSignal: WebhookNotifier = NO_WEBHOOK_NOTIFIER,
  ) {}

  async create(accountId: number, input: CreateCustomerInput): Promise<Customer> {
    const values = validateCreateCustomer(input);
    const customer = await writeTransaction(this.dataSource, async (manager) => {
      const created = await this.repos.customers.insert(manager, { accountId, ...values });
      await publishEvent(manager, accountId, 'customer.created', customerData(created));
      return created;
    });
    this.webhookSignal.notify();
    return customer;
  }

  async update(accountId: number, id: number, input: UpdateCustomerInput): Promise<Customer> {
    const patch = validateUpdateCustomer(input);
    const customer = await writeTransaction(this.dataSource, async (manager) => {
      if (!(await this.repos.customers.findInAccount(accountId, id, manager))) throw notFound('Customer');
      await this.repos.customers.update(manager, accountId, id, patch);
      const after = (await this.repos.customers.findInAccount(accountId, id, manager))!;
      await publishEvent(manager, accountId, 'customer.updated', customerData(after));
      return after;
    });
    this.webhookSignal.notify();
    return customer;
  }

  /**
   * The customer's bookings stay, for the accounts, with customerId null: the
   * foreign key's ON DELETE SET NULL does it, on SQLite too since the
   * connection turns foreign_keys on (db/data-source.ts). The event carries
   * the customer as it was; no booking.updated is sent for those bookings.
   */
  async delete(accountId: number, id: number): Promise<void> {
    await writeTransaction(this.dataSource, async (manager) => {
      const customer = await this.repos.customers.findInAccount(accountId, id, manager);
      if (!customer) throw notFound('Customer');
      await this.repos.customers.delete(manager, accountId, id);
      await publishEvent(manager, accountId, 'customer.deleted', customerData(customer));
    });
    this.webhookSignal.notify();
  }

  async get(accountId: number, id: number): Promise<Customer> {
    const customer = await this.repos.customers.findInAccount(accountId, id);
    if (!customer) throw notFound('Customer');
    return customer;
  }

  /** One query for many ids (DataLoader); ids of other accounts are simply missing. */
  findByIds(accountId: number, ids: readonly number[]): Promise<Customer[]> {
    return this.repos.customers.findByIds(accountId, ids);
  }

  /** Newest first; `search` matches name or email, case-insensitively, anywhere in them. */
  async list(
    accountId: number,
    page: PageRequest,
    search?: string | null,
  ): Promise<{ nodes: Customer[]; hasNextPage: boolean }> {
    const term = validateSearch(search);
    const rows = await this.repos.customers.listInAccount(
      accountId,
      keysetFor(page),
      term ?? undefined,
    );
    return pageOf(rows, page);
  }
}
