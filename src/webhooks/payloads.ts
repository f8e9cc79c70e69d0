import type { ApiKey, Booking, Customer, Product } from '../db/entities';
import { toGlobalId } from '../global-id';

/**
 * Each event's `data`: the object as the GraphQL API shows it (same field
 * names, global ids, ISO-8601 times), so a receiver can hand it to the same
 * code that reads query results. Only public fields, never a secret. The ids
 * come from the one ID codec; it is pure (no GraphQL runtime), so using it
 * here does not pull the transport into the domain.
 */
export type EventData = Record<string, unknown>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function productData(product: Product): EventData {
  return {
    id: toGlobalId('Product', product.id),
    name: product.name,
    description: product.description,
    priceCents: product.priceCents,
    capacity: product.capacity,
    createdAt: iso(product.createdAt),
    updatedAt: iso(product.updatedAt),
  };
}

export function customerData(customer: Customer): EventData {
  return {
    id: toGlobalId('Customer', customer.id),
    name: customer.name,
    email: customer.email,
    phone: customer.phone,
    notes: customer.notes,
    createdAt: iso(customer.createdAt),
    updatedAt: iso(customer.updatedAt),
  };
}

/** `productId`/`customerId` are ids only: the customer's details travel in customer events, behind customers:read. */
export function bookingData(booking: Booking): EventData {
  return {
    id: toGlobalId('Booking', booking.id),
    reference: booking.reference,
    productId: toGlobalId('Product', booking.productId),
    customerId: booking.customerId === null ? null : toGlobalId('Customer', booking.customerId),
    startsAt: iso(booking.startsAt),
    endsAt: iso(booking.endsAt),
    quantity: booking.quantity,
    status: booking.status,
    totalCents: booking.totalCents,
    notes: booking.notes,
    createdAt: iso(booking.createdAt),
    updatedAt: iso(booking.updatedAt),
    cancelledAt: iso(booking.cancelledAt),
  };
}

/** The key as `ApiKey` shows it; the secret and its hash never leave the key tables. */
export function revokedKeyData(key: ApiKey): EventData {
  return {
    id: toGlobalId('ApiKey', key.id),
    name: key.name,
    prefix: key.prefix,
    type: key.type,
    scopes: key.scopes,
    bundles: key.bundles,
    status: 'REVOKED',
    createdAt: iso(key.createdAt),
    lastUsedAt: iso(key.lastUsedAt),
    expiresAt: iso(key.expiresAt),
  };
}
