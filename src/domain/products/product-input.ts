import type { ProductPatch } from '../../db/repositories';
import { MAX_INT, MAX_NOTES, integerIn, optionalText, requiredText } from '../bookings/input-rules';

export interface CreateProductInput {
  name: string;
  description?: string | null;
  priceCents: number;
  capacity: number;
}

/** Omitted or null leaves a field as it is, except `description`, which null (or "") clears. */
export interface UpdateProductInput {
  name?: string | null;
  description?: string | null;
  priceCents?: number | null;
  capacity?: number | null;
}

export const MAX_PRODUCT_NAME = 200;
export const MAX_CAPACITY = 100_000;

export function validateCreateProduct(input: CreateProductInput): Required<ProductPatch> {
  return {
    name: requiredText(input.name, 'name', MAX_PRODUCT_NAME),
    description: optionalText(input.description, 'description', MAX_NOTES),
    priceCents: integerIn(input.priceCents, 'priceCents', 0, MAX_INT),
    capacity: integerIn(input.capacity, 'capacity', 1, MAX_CAPACITY),
  };
}

export function validateUpdateProduct(input: UpdateProductInput): ProductPatch {
  const patch: ProductPatch = {};
  if (input.name != null) patch.name = requiredText(input.name, 'name', MAX_PRODUCT_NAME);
  if (input.description !== undefined) patch.description = optionalText(input.description, 'description', MAX_NOTES);
  if (input.priceCents != null) patch.priceCents = integerIn(input.priceCents, 'priceCents', 0, MAX_INT);
  if (input.capacity != null) patch.capacity = integerIn(input.capacity, 'capacity', 1, MAX_CAPACITY);
  return patch;
}
