import type { DataSource } from 'typeorm';
import { AccountRepository } from './account-repository';
import { ApiKeyRepository } from './api-key-repository';
import { BookingRepository } from './booking-repository';
import { CustomerRepository } from './customer-repository';
import { PolicyRepository } from './policy-repository';
import { ProductRepository } from './product-repository';
import { RequestLogRepository } from './request-log-repository';

export { AccountRepository, ApiKeyRepository, BookingRepository, CustomerRepository, PolicyRepository, ProductRepository };
export type { KeyBySecret, KeyStatusFilter } from './api-key-repository';
export type { BookingFilter, BookingRelation, BookingPatch, BookingSummaryRow, BookingValues } from './booking-repository';
export type { CustomerPatch, CustomerValues } from './customer-repository';
export type { ProductPatch, ProductValues } from './product-repository';
export { RequestLogRepository };
export type { RequestLogValues } from './request-log-repository';

export interface Repositories {
  accounts: AccountRepository;
  apiKeys: ApiKeyRepository;
  policies: PolicyRepository;
  products: ProductRepository;
  customers: CustomerRepository;
  bookings: BookingRepository;
  requestLogs: RequestLogRepository;
}

export function createRepositories(dataSource: DataSource): Repositories {
  return {
    accounts: new AccountRepository(dataSource),
    apiKeys: new ApiKeyRepository(dataSource),
    policies: new PolicyRepository(dataSource),
    products: new ProductRepository(dataSource),
    customers: new CustomerRepository(dataSource),
    bookings: new BookingRepository(dataSource),
    requestLogs: new RequestLogRepository(dataSource),
  };
}
