import type { Resolvers } from '../generated/resolvers';
import { expectGlobalId, toGlobalId } from '../../global-id';

/** Thin: arguments in, service call, result out. The rules live in PolicyService. */
export const policyResolvers: Resolvers = {
  Mutation: {
    createScopePolicy: async (_root, { input }, ctx) => ({
      policy: await ctx.services.policies.create(ctx.actor, input),
    }),
    updateScopePolicy: async (_root, { input: { id, ...patch } }, ctx) => ({
      policy: await ctx.services.policies.update(ctx.actor, expectGlobalId(id, 'ScopePolicy', 'id'), patch),
    }),
    deleteScopePolicy: async (_root, { input }, ctx) => {
      const id = expectGlobalId(input.id, 'ScopePolicy', 'id');
      await ctx.services.policies.delete(ctx.actor, id, input.force ?? false);
      return { deletedId: toGlobalId('ScopePolicy', id) };
    },
  },
};
