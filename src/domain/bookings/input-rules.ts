import { AppError, badInput } from '../../errors';
import type { Interval } from './occupancy';

/**
 * Field checks shared by the product, customer, booking and report inputs, so
 * the same mistake gets the same message everywhere. Every failure is
 * BAD_USER_INPUT with `extensions.field` naming the input field.
 *
 * (They live here, beside the booking rules, only because this change owns
 * domain/bookings; they would sit as well in domain/ itself.)
 */

/** The largest value of a GraphQL Int and of our INT columns. */
export const MAX_INT = 2 ** 31 - 1;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest booking and longest availability window: bounds the sweep and the index range it reads. */
export const MAX_SPAN_DAYS = 31;
export const MAX_SPAN_MS = MAX_SPAN_DAYS * DAY_MS;

export const MAX_NOTES = 2000;

/** Trimmed, non-empty, at most `max` characters. */
export function requiredText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (text.length === 0) throw badInput(`${field} must not be empty`, { field });
  if (text.length > max) throw badInput(`${field} must be at most ${max} characters`, { field });
  return text;
}

/** Trimmed; empty or null clears the value. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  const text = value?.trim() ?? '';
  if (text.length > max) throw badInput(`${field} must be at most ${max} characters`, { field });
  return text.length === 0 ? null : text;
}

export function integerIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(`${field} must be a whole number from ${min} to ${max}`, { field });
  }
  return value;
}

export function validDate(value: Date, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw badInput(`${field} must be a valid date and time`, { field });
  }
  return value;
}

/**
 * A window [start, end): end strictly after start and at most 31 days long.
 * Errors name the end field unless `blame` says the start is the one the
 * caller just changed (moving a booking's start past its kept end).
 */
export function boundedInterval(
  start: Date,
  end: Date,
  fields: { start: string; end: string; blame?: 'start' | 'end' },
  what: string,
): Interval {
  validDate(start, fields.start);
  validDate(end, fields.end);
  const blameStart = fields.blame === 'start';
  const field = blameStart ? fields.start : fields.end;
  if (end.getTime() <= start.getTime()) {
    const message = blameStart
      ? `${fields.start} must be before ${fields.end} (${end.toISOString()})`
      : `${fields.end} must be after ${fields.start} (${start.toISOString()})`;
    throw badInput(message, { field });
  }
  if (end.getTime() - start.getTime() > MAX_SPAN_MS) {
    throw badInput(`${what} may span at most ${MAX_SPAN_DAYS} days; move ${field} closer`, { field });
  }
  return { startsAt: start, endsAt: end };
}

/**
 * An id given in an input that names no row of the caller's account. Same
 * answer whether the row does not exist or belongs to another account
 * (contract section 3: never reveal that it exists).
 */
export function unknownReference(field: string, what: string): AppError {
  return new AppError('NOT_FOUND', `${field} does not identify a ${what}`, { field });
}
