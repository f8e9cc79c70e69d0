import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GraphQLContext } from '../../graphql/context';
import { requestQueryCost } from '../../graphql/limits/query-cost';
import { actualQueryCost } from './actual-cost';
import type { BucketState, CostBucket } from './cost-bucket';
import { rateLimited } from './rate-limits';

export interface CostSettings {
  readonly bucket: CostBucket;
  readonly size: number;
  readonly restoreRate: number;
}

/** `extensions.cost` of every response, as Shopify's Admin API reports it. */
export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/**
 * The cost budget. Once the operation is resolved (parsed and validated), its
 * requested cost (`estimateQueryCost`) is taken from the key's bucket, or the
 * request is refused with 429 RATE_LIMITED and a Retry-After of the time the
 * bucket needs to hold that much. A cost larger than the whole bucket could
 * never run: that is QUERY_TOO_COMPLEX (400), not a reason to wait.
 *
 * Charging the whole estimate up front (all or nothing) is what keeps
 * concurrent requests from overdrawing a bucket. Once the response is known,
 * its actual cost (`actualQueryCost`: the objects it really holds) is what the
 * request keeps, and the rest goes back to the bucket, as Shopify refunds a
 * page that came back short. A request refused before it ran (a mutation the
 * key may not make whole, say) gets everything back.
 *
 * Every response of an authenticated key carries `extensions.cost`, throttled
 * ones too; an operation that never resolved (a syntax error) costs 0.
 */
export function costPlugin(settings: CostSettings): ApolloServerPlugin<GraphQLContext> {
  const { bucket, size, restoreRate } = settings;
  return {
    async requestDidStart({ contextValue }) {
      const key = String(contextValue.auth.key.id);
      let requested = 0;
      let charged = 0;
      let state: BucketState | undefined;
      return {
        async didResolveOperation({ schema, document, request }) {
          requested = requestQueryCost(schema, document, request);
          if (requested > size) {
            throw new GraphQLError(`Query cost ${requested} exceeds the cost bucket size of ${size}`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'Cost bucket size', maximum: size, actual: requested, http: { status: 400 } },
            });
          }
          state = await bucket.take(key, requested);
          if (!state.allowed) {
            const waitMs = ((requested - state.available) / restoreRate) * 1000;
            throw rateLimited(
              `Query cost ${requested} exceeds the ${Math.floor(state.available)} points available; ${restoreRate} are restored per second`,
              waitMs,
            );
          }
          charged = requested;
        },
        async willSendResponse({ response, operation }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const actual = charged > 0 ? actualQueryCost(result.data, operation?.operation, charged) : 0;
          if (actual < charged) state = await bucket.take(key, actual - charged);
          state ??= await bucket.take(key, 0);
          const cost: CostExtension = {
            requestedQueryCost: requested,
            actualQueryCost: actual,
            throttleStatus: {
              maximumAvailable: size,
              currentlyAvailable: Math.floor(state.available),
              restoreRate,
            },
          };
          result.extensions = { ...result.extensions, cost };
        },
      };
    },
  };
}
