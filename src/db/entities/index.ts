import { Account } from './account';
import { ApiKey } from './api-key';
import { ApiKeySecret } from './api-key-secret';
import { Booking, type BookingStatus } from './booking';
import { Customer } from './customer';
import { Product } from './product';
import { ScopePolicy } from './scope-policy';

export { Account, ApiKey, ApiKeySecret, Booking, Customer, Product, ScopePolicy };
export type { BookingStatus };
export const entities = [Account, ApiKey, ApiKeySecret, ScopePolicy, Product, Customer, Booking];
