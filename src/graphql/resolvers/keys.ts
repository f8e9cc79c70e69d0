import DataLoader from 'dataloader';
import { keyStatus } from '../../auth/key-status';
import { NOTHING_NEEDED, scopeUsageReport, type NeededScopes } from '../../domain/request-logs/scope-usage';
import { badInput } from '../../errors';
import { pageRequest, toConnection } from '../connection';
import type { GraphQLContext } from '../context';
import type { Resolvers } from '../generated/resolvers';
import { expectGlobalId, toGlobalId } from '../../global-id';

const DAY_MS = 86_400_000;
const MAX_USAGE_DAYS = 365;

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
    // keys:read, from the ApiKey type's @requiresScope, as every field of a key.
    scopeUsage: async (key, { days }, ctx) => {
      if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS) {
        throw badInput(`days must be a whole number from 1 to ${MAX_USAGE_DAYS}`, { field: 'days' });
      }
      const [policies, window] = await Promise.all([
        key.policies ?? ctx.loaders.policiesOfKey.load(key.id),
        scopesNeeded(ctx, days).load(key.id),
      ]);
      return scopeUsageReport(ctx.services.engine, ctx.services.keys.permissionsOf({ ...key, policies }), window);
    },
  },
  ScopePolicy: {
    id: (policy) => toGlobalId('ScopePolicy', policy.id),
  },
};

const neededLoaders = new WeakMap<GraphQLContext['loaders'], Map<number, DataLoader<number, NeededScopes>>>();

/**
 * Per request and window, so `apiKeys { edges { node { scopeUsage } } }` is one
 * grouped query for the page of keys, not one per key. Keyed on the request's
 * loaders (made per request, bound to the caller's account).
 */
function scopesNeeded(ctx: GraphQLContext, days: number): DataLoader<number, NeededScopes> {
  let byDays = neededLoaders.get(ctx.loaders);
  if (!byDays) neededLoaders.set(ctx.loaders, (byDays = new Map()));
  let loader = byDays.get(days);
  if (!loader) {
    const since = new Date(Date.now() - days * DAY_MS);
    loader = new DataLoader(async (ids) => {
      const byKey = await ctx.services.requestLogs.scopesNeededByKeys(ctx.actor.accountId, ids, since);
      return ids.map((id) => byKey.get(id) ?? NOTHING_NEEDED);
    });
    byDays.set(days, loader);
  }
  return loader;
}
