import { MUTATION_FIELD_COST } from '../../graphql/limits/query-cost';

/**
 * What an executed operation really cost, by the same weights the estimate
 * uses (`estimateQueryCost`): 1 for every object the response holds, and
 * MUTATION_FIELD_COST for every mutation root field that ran. A page of 100
 * requested that came back with 3 rows costs for 3, as Shopify's Admin API
 * refunds the difference. Never more than `requested`: that was taken from the
 * bucket up front, and a short estimate (a list without `first` that returned
 * more than the default page) is the server's guess to own, not the client's.
 */
export function actualQueryCost(
  data: Record<string, unknown> | null | undefined,
  operation: 'query' | 'mutation' | 'subscription' | undefined,
  requested: number,
): number {
  if (!data) return 0;
  let cost = 0;
  for (const value of Object.values(data)) {
    cost += objectsIn(value);
    if (operation === 'mutation') cost += MUTATION_FIELD_COST;
  }
  return Math.min(requested, cost);
}

// Runs over every value of every response: plain loops, no Object.values/reduce arrays per object.
function objectsIn(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) count += objectsIn(value[i]);
    return count;
  }
  count = 1;
  const object = value as Record<string, unknown>;
  for (const key in object) count += objectsIn(object[key]);
  return count;
}
