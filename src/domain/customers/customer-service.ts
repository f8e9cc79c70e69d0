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

export type { CreateCustomerInput, UpdateCustomerInput };

/** Customer rules. Every method is scoped to one account. */
export class CustomerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repos: Repositories,
  ) {}

  async create(accountId: number, input: CreateCustomerInput): Promise<Customer> {
    const values = validateCreateCustomer(input);
    return writeTransaction(this.dataSource, (manager) => this.repos.customers.insert(manager, { accountId, ...values }));
  }

  async update(accountId: number, id: number, input: UpdateCustomerInput): Promise<Customer> {
    const patch = validateUpdateCustomer(input);
    return writeTransaction(this.dataSource, async (manager) => {
      if (!(await this.repos.customers.findInAccount(accountId, id, manager))) throw notFound('Customer');
      await this.repos.customers.update(manager, accountId, id, patch);
      return (await this.repos.customers.findInAccount(accountId, id, manager))!;
    });
  }

  /**
   * The customer's bookings stay, for the accounts, with customerId null: the
   * foreign key's ON DELETE SET NULL does it, on SQLite too since the
   * connection turns foreign_keys on (db/data-source.ts).
   */
  async delete(accountId: number, id: number): Promise<void> {
    await writeTransaction(this.dataSource, async (manager) => {
      if (!(await this.repos.customers.findInAccount(accountId, id, manager))) throw notFound('Customer');
      await this.repos.customers.delete(manager, accountId, id);
    });
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
