import { keyStatus } from '../../auth/key-status';
import { pageRequest, toConnection } from '../connection';
import type { Resolvers } from '../generated/resolvers';
import { expectGlobalId, toGlobalId } from '../../global-id';

/** Thin: arguments in, service call, result out. The rules live in KeyService. */
export const keyResolvers: Resolvers = {
  Query: {
    apiKeys: async (_root, args, ctx) => {
      const request = pageRequest(args);
      const page = await ctx.services.keys.list(ctx.actor.accountId, request, args.status ?? undefined);
      return toConnection(page, request);
    },
    scopePolicies: (_root, _args, ctx) => ctx.services.repos.policies.listVisible(ctx.actor.accountId),
  },
  Mutation: {
    createApiKey: async (_root, { input }, ctx) => {
      const { key, secret } = await ctx.services.keys.create(ctx.actor, {
        ...input,
        policyIds: input.policyIds?.map((id) => expectGlobalId(id, 'ScopePolicy', 'policyIds')),
      });
      return { apiKey: key, secret };
    },
    updateApiKey: async (_root, { input: { id, policyIds, ...fields } }, ctx) => ({
      apiKey: await ctx.services.keys.update(ctx.actor, expectGlobalId(id, 'ApiKey', 'id'), {
        ...fields,
        // Omitted stays omitted and null stays null: the service tells "unchanged" from "cleared".
        policyIds: policyIds && policyIds.map((policyId) => expectGlobalId(policyId, 'ScopePolicy', 'policyIds')),
      }),
    }),
    rollApiKey: async (_root, { input }, ctx) => {
      const { key, secret } = await ctx.services.keys.roll(ctx.actor, expectGlobalId(input.id, 'ApiKey', 'id'), input.graceSeconds ?? 0);
      return { apiKey: key, secret };
    },
    revokeApiKey: async (_root, { input }, ctx) => ({
      apiKey: await ctx.services.keys.revoke(ctx.actor, expectGlobalId(input.id, 'ApiKey', 'id')),
    }),
    deleteApiKey: async (_root, { input }, ctx) => {
      const id = expectGlobalId(input.id, 'ApiKey', 'id');
      await ctx.services.keys.delete(ctx.actor, id);
      // Re-encoded rather than echoed, so the answer is the canonical id.
      return { deletedId: toGlobalId('ApiKey', id) };
    },
  },
  ApiKey: {
    id: (key) => toGlobalId('ApiKey', key.id),
    policies: (key, _args, ctx) => key.policies ?? ctx.loaders.policiesOfKey.load(key.id),
    effectiveScopes: async (key, _args, ctx) => {
      const policies = key.policies ?? (await ctx.loaders.policiesOfKey.load(key.id));
      return ctx.services.keys.permissionsOf({ ...key, policies }).list();
    },
    status: (key) => keyStatus(key, new Date()),
    createdBy: (key, _args, ctx) => (key.createdById ? ctx.loaders.keyInAccount.load(key.createdById) : null),
  },
  ScopePolicy: {
    id: (policy) => toGlobalId('ScopePolicy', policy.id),
  },
};
