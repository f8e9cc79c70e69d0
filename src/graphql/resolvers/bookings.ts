import { AppError } from '../../errors';
import { pageRequest, toConnection } from '../connection';
import type { GraphQLContext } from '../context';
import type { BookingFilter, Resolvers } from '../generated/resolvers';
import { expectGlobalId, toGlobalId } from '../../global-id';
import { selectedAmong } from '../lookahead';

const RELATIONS = ['product', 'customer'] as const;

/** Thin: arguments in, service call, result out. Capacity and validation live in the booking service. */
export const bookingResolvers: Resolvers = {
  Query: {
    bookings: async (_root, { filter, ...args }, ctx, info) => {
      const request = pageRequest(args);
      const criteria = await bookingCriteria(ctx, filter ?? {});
      // A page with its customers (or products) is one statement: the related rows come joined (Booking.customer below).
      const related = selectedAmong(info, ['edges', 'node'], RELATIONS);
      return toConnection(await ctx.services.bookings.list(ctx.actor.accountId, request, criteria, related), request);
    },
  },
  Mutation: {
    createBooking: async (_root, { input }, ctx) => ({
      booking: await ctx.services.bookings.create(ctx.actor.accountId, {
        ...input,
        productId: expectGlobalId(input.productId, 'Product', 'productId'),
        customerId: expectGlobalId(input.customerId, 'Customer', 'customerId'),
      }),
    }),
    updateBooking: async (_root, { input: { id, ...patch } }, ctx) => ({
      booking: await ctx.services.bookings.update(ctx.actor.accountId, expectGlobalId(id, 'Booking', 'id'), patch),
    }),
    cancelBooking: async (_root, { input }, ctx) => ({
      booking: await ctx.services.bookings.cancel(ctx.actor.accountId, expectGlobalId(input.id, 'Booking', 'id')),
    }),
  },
  Booking: {
    id: (booking) => toGlobalId('Booking', booking.id),
    // Read with the page when it was (Query.bookings), otherwise through the request's loaders:
    // a page of N bookings costs one query per relation at most. A relation read with the page
    // is already resolved, so the row completes without a promise.
    product: (booking, _args, ctx) => booking.product ?? ctx.loaders.product.load(booking.productId),
    customer: (booking, _args, ctx) =>
      booking.customer !== undefined ? booking.customer : booking.customerId === null ? null : ctx.loaders.customer.load(booking.customerId),
  },
};

/**
 * Decodes the filter's ids and checks that they name rows of the caller's
 * account, so that filtering by another account's product answers NOT_FOUND
 * exactly as a product that never existed does (not a silently empty page).
 * The lookups go through the loaders, which then already hold the rows that
 * `Booking.product` / `Booking.customer` will ask for.
 */
async function bookingCriteria(ctx: GraphQLContext, filter: BookingFilter) {
  const productId = filter.productId == null ? undefined : expectGlobalId(filter.productId, 'Product', 'filter.productId');
  const customerId = filter.customerId == null ? undefined : expectGlobalId(filter.customerId, 'Customer', 'filter.customerId');
  const [product, customer] = await Promise.all([
    productId === undefined ? undefined : ctx.loaders.product.load(productId),
    customerId === undefined ? undefined : ctx.loaders.customer.load(customerId),
  ]);
  if (product === null) throw new AppError('NOT_FOUND', 'Product not found', { field: 'filter.productId' });
  if (customer === null) throw new AppError('NOT_FOUND', 'Customer not found', { field: 'filter.customerId' });
  return {
    status: filter.status ?? undefined,
    from: filter.from ?? undefined,
    to: filter.to ?? undefined,
    productId,
    customerId,
  };
}
