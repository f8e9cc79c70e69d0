import type { BookingFilter } from '../../db/repositories';
import { badInput } from '../../errors';
import { MAX_CAPACITY } from '../products/product-input';
import { MAX_INT, MAX_NOTES, boundedInterval, integerIn, optionalText, validDate } from './input-rules';

export interface CreateBookingInput {
  productId: number;
  customerId: number;
  startsAt: Date;
  endsAt: Date;
  /** Units booked; 1 when omitted. */
  quantity?: number | null;
  notes?: string | null;
}

/** Omitted or null keeps startsAt, endsAt and quantity; null (or "") clears notes. */
export interface UpdateBookingInput {
  startsAt?: Date | null;
  endsAt?: Date | null;
  quantity?: number | null;
  notes?: string | null;
}

export interface ValidBooking {
  productId: number;
  customerId: number;
  startsAt: Date;
  endsAt: Date;
  quantity: number;
  notes: string | null;
}

export function validateCreateBooking(input: CreateBookingInput): ValidBooking {
  const window = boundedInterval(input.startsAt, input.endsAt, { start: 'startsAt', end: 'endsAt' }, 'A booking');
  return {
    productId: input.productId,
    customerId: input.customerId,
    ...window,
    quantity: validQuantity(input.quantity ?? 1),
    notes: optionalText(input.notes, 'notes', MAX_NOTES),
  };
}

/** Checks each given field alone; the window is checked against the booking once it is loaded. */
export function validateUpdateBooking(input: UpdateBookingInput): UpdateBookingInput {
  const patch: UpdateBookingInput = {};
  if (input.startsAt != null) patch.startsAt = validDate(input.startsAt, 'startsAt');
  if (input.endsAt != null) patch.endsAt = validDate(input.endsAt, 'endsAt');
  if (input.quantity != null) patch.quantity = validQuantity(input.quantity);
  if (input.notes !== undefined) patch.notes = optionalText(input.notes, 'notes', MAX_NOTES);
  return patch;
}

/** The booking's window after an update: the error names the field the caller changed. */
export function updatedWindow(current: { startsAt: Date; endsAt: Date }, patch: UpdateBookingInput) {
  const blame = patch.startsAt && !patch.endsAt ? 'start' : 'end';
  return boundedInterval(
    patch.startsAt ?? current.startsAt,
    patch.endsAt ?? current.endsAt,
    { start: 'startsAt', end: 'endsAt', blame },
    'A booking',
  );
}

/** Units × unit price, which must fit the INT column and a GraphQL Int. */
export function totalCents(unitCents: number, quantity: number): number {
  const total = unitCents * quantity;
  if (total > MAX_INT) {
    throw badInput(`quantity ${quantity} at ${unitCents} cents each exceeds the largest total (${MAX_INT} cents)`, {
      field: 'quantity',
    });
  }
  return total;
}

export function validateFilter(filter: BookingFilter): BookingFilter {
  if (filter.from) validDate(filter.from, 'from');
  if (filter.to) validDate(filter.to, 'to');
  if (filter.from && filter.to && filter.to.getTime() <= filter.from.getTime()) {
    throw badInput('to must be after from', { field: 'to' });
  }
  return filter;
}

/** No product holds more than MAX_CAPACITY units, so no booking needs more. */
function validQuantity(quantity: number): number {
  return integerIn(quantity, 'quantity', 1, MAX_CAPACITY);
}
