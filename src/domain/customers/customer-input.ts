import type { CustomerPatch, CustomerValues } from '../../db/repositories';
import { badInput } from '../../errors';
import { MAX_NOTES, optionalText, requiredText } from '../bookings/input-rules';

export interface CreateCustomerInput {
  name: string;
  email: string;
  phone?: string | null;
  notes?: string | null;
}

/** Omitted or null leaves name and email as they are; null (or "") clears phone and notes. */
export interface UpdateCustomerInput {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  notes?: string | null;
}

export const MAX_CUSTOMER_NAME = 200;
export const MAX_EMAIL = 254; // RFC 5321's limit on a forward path, in practice on an address
const MAX_PHONE = 40;
export const MAX_SEARCH = 200;

/**
 * Deliberately simple: something@label.label, no spaces. Real validation of
 * an address is sending it mail; a stricter pattern only rejects valid ones.
 */
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const PHONE = /^[0-9 +\-()]+$/;

export function validateCreateCustomer(input: CreateCustomerInput): Omit<CustomerValues, 'accountId'> {
  const name = requiredText(input.name, 'name', MAX_CUSTOMER_NAME);
  const email = validEmail(input.email);
  return {
    name,
    nameLower: searchKey(name, MAX_CUSTOMER_NAME),
    email,
    emailLower: searchKey(email, MAX_EMAIL),
    phone: validPhone(input.phone),
    notes: optionalText(input.notes, 'notes', MAX_NOTES),
  };
}

export function validateUpdateCustomer(input: UpdateCustomerInput): CustomerPatch {
  const patch: CustomerPatch = {};
  if (input.name != null) {
    patch.name = requiredText(input.name, 'name', MAX_CUSTOMER_NAME);
    patch.nameLower = searchKey(patch.name, MAX_CUSTOMER_NAME);
  }
  if (input.email != null) {
    patch.email = validEmail(input.email);
    patch.emailLower = searchKey(patch.email, MAX_EMAIL);
  }
  if (input.phone !== undefined) patch.phone = validPhone(input.phone);
  if (input.notes !== undefined) patch.notes = optionalText(input.notes, 'notes', MAX_NOTES);
  return patch;
}

/** The search term in the form the *Lower columns hold; null when there is nothing to search for. */
export function validateSearch(search: string | null | undefined): string | null {
  const term = optionalText(search, 'search', MAX_SEARCH);
  return term === null ? null : searchKey(term, MAX_SEARCH);
}

/**
 * Lower-cased in JS, on write and on the search term alike, because SQLite's
 * lower() and LIKE fold ASCII only: "ZOË" must find "Zoë" on both engines.
 * NFC first, so "ë" typed as e + combining diaeresis matches the precomposed
 * one. Lower-casing can lengthen a string ("İ" becomes two code units), so
 * the result is cut to the column's size in characters.
 */
export function searchKey(text: string, maxChars: number): string {
  return [...text.normalize('NFC').toLowerCase()].slice(0, maxChars).join('');
}

function validEmail(value: string): string {
  const email = value.trim();
  if (email.length === 0) throw badInput('email must not be empty', { field: 'email' });
  if (email.length > MAX_EMAIL) throw badInput(`email must be at most ${MAX_EMAIL} characters`, { field: 'email' });
  if (!EMAIL.test(email)) throw badInput(`email "${email}" is not an address such as ana@example.com`, { field: 'email' });
  return email;
}

function validPhone(value: string | null | undefined): string | null {
  const phone = optionalText(value, 'phone', MAX_PHONE);
  if (phone !== null && (!PHONE.test(phone) || !/[0-9]/.test(phone))) {
    throw badInput('phone may contain only digits, spaces and + - ( ), such as +44 20 7946 0958', { field: 'phone' });
  }
  return phone;
}
