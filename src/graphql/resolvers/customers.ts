import { pageRequest, toConnection } from '../connection';
import type { Resolvers } from '../generated/resolvers';
import { expectGlobalId, toGlobalId } from '../../global-id';

/** Thin: arguments in, service call, result out. The rules live in the customer service. */
export const customerResolvers: Resolvers = {
  Query: {
    customers: async (_root, { search, ...args }, ctx) => {
      const request = pageRequest(args);
      return toConnection(await ctx.services.customers.list(ctx.actor.accountId, request, search ?? undefined), request);
    },
  },
  Mutation: {
    createCustomer: async (_root, { input }, ctx) => ({
      customer: await ctx.services.customers.create(ctx.actor.accountId, input),
    }),
    updateCustomer: async (_root, { input: { id, ...patch } }, ctx) => ({
      customer: await ctx.services.customers.update(ctx.actor.accountId, expectGlobalId(id, 'Customer', 'id'), patch),
    }),
    deleteCustomer: async (_root, { input }, ctx) => {
      const id = expectGlobalId(input.id, 'Customer', 'id');
      await ctx.services.customers.delete(ctx.actor.accountId, id);
      // Re-encoded rather than echoed, so the answer is the canonical id.
      return { deletedId: toGlobalId('Customer', id) };
    },
  },
  Customer: {
    id: (customer) => toGlobalId('Customer', customer.id),
    // Batched across every customer of the page: one query per distinct (first, after).
    bookings: async (customer, args, ctx) => {
      const request = pageRequest(args);
      return toConnection(await ctx.loaders.bookingsOfCustomers(request).load(customer.id), request);
    },
  },
};
