import { Account } from './account';
import { ApiKey } from './api-key';
import { ApiKeySecret } from './api-key-secret';
import { AuditEntry } from './audit-entry';
import { Booking, type BookingStatus } from './booking';
import { Customer } from './customer';
import { Product } from './product';
import { RequestLog } from './request-log';
import { ScopePolicy } from './scope-policy';
import { WebhookAttempt } from './webhook-attempt';
import { WebhookDelivery, type WebhookDeliveryStatus } from './webhook-delivery';
import { WebhookEndpoint } from './webhook-endpoint';
import { WebhookEvent } from './webhook-event';

export { Account, ApiKey, ApiKeySecret, AuditEntry, Booking, Customer, Product, RequestLog, ScopePolicy, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent };
export type { BookingStatus, WebhookDeliveryStatus };
export const entities = [Account, ApiKey, ApiKeySecret, ScopePolicy, Product, Customer, Booking, RequestLog, AuditEntry, WebhookEndpoint, WebhookEvent, WebhookDelivery, WebhookAttempt];
