import { pageRequest, toConnection } from '../connection';
import type { Resolvers } from '../generated/resolvers';
import { expectGlobalId, toGlobalId } from '../../global-id';

/** Thin: arguments in, service call, result out. The rules live in the product service. */
export const productResolvers: Resolvers = {
  Query: {
    products: async (_root, args, ctx) => {
      const request = pageRequest(args);
      return toConnection(await ctx.services.products.list(ctx.actor.accountId, request), request);
    },
    availability: (_root, { productId, from, to }, ctx) =>
      ctx.services.products.availability(ctx.actor.accountId, expectGlobalId(productId, 'Product', 'productId'), from, to),
  },
  Mutation: {
    createProduct: async (_root, { input }, ctx) => ({
      product: await ctx.services.products.create(ctx.actor.accountId, input),
    }),
    updateProduct: async (_root, { input: { id, ...patch } }, ctx) => ({
      product: await ctx.services.products.update(ctx.actor.accountId, expectGlobalId(id, 'Product', 'id'), patch),
    }),
  },
  Product: {
    id: (product) => toGlobalId('Product', product.id),
  },
};
