import { Account, ApiKey, AuditEntry, Booking, Customer, Product, ScopePolicy, WebhookDelivery, WebhookEndpoint } from '../../db/entities';
import { scopeRequiredError, typeRequirementOf } from '../../scopes/directive';
import type { GraphQLContext } from '../context';
import type { Resolvers } from '../generated/resolvers';
import { parseGlobalId } from '../../global-id';

type NodeLoader = (ctx: GraphQLContext, id: number) => Promise<object | null> | object | null;

/**
 * How `node(id:)` finds each type, always inside the caller's account. The type's
 * own @requiresScope still applies: the transformer checks it when the Node
 * interface resolves to the concrete type.
 */
const loaders: Record<string, NodeLoader> = {
  ApiKey: (ctx, id) => ctx.loaders.keyInAccount.load(id),
  Account: (ctx, id) => (id === ctx.auth.account.id ? ctx.auth.account : null),
  ScopePolicy: async (ctx, id) => (await ctx.services.repos.policies.findVisibleByIds(ctx.actor.accountId, [id]))[0] ?? null,
  // The account's newest entry at or below the id (one indexed query): the entry itself, if it is the account's.
  AuditEntry: async (ctx, id) => {
    const [entry] = await ctx.services.audit.list(ctx.actor.accountId, { limit: 1, beforeId: id + 1 });
    return entry?.id === id ? entry : null;
  },
  Product: (ctx, id) => ctx.loaders.product.load(id),
  Customer: (ctx, id) => ctx.loaders.customer.load(id),
  Booking: (ctx, id) => ctx.loaders.booking.load(id),
  WebhookEndpoint: (ctx, id) => ctx.loaders.webhookEndpoint.load(id),
  WebhookDelivery: (ctx, id) => ctx.loaders.webhookDelivery.load(id),
};

const typeNames = new Map<unknown, string>([
  [ApiKey, 'ApiKey'],
  [Account, 'Account'],
  [ScopePolicy, 'ScopePolicy'],
  [AuditEntry, 'AuditEntry'],
  [Product, 'Product'],
  [Customer, 'Customer'],
  [Booking, 'Booking'],
  [WebhookEndpoint, 'WebhookEndpoint'],
  [WebhookDelivery, 'WebhookDelivery'],
]);

export const nodeResolvers: Resolvers = {
  Query: {
    node: async (_root, { id }, ctx, info) => {
      const parsed = parseGlobalId(id);
      const load = parsed && loaders[parsed.type];
      if (!load) return null;
      // Check the type's requirement before looking the id up. The Node type
      // resolver checks it too, but only for ids that exist, so a key without
      // keys:read could tell its account's key ids that exist (SCOPE_REQUIRED)
      // from those that do not (null). Checked here, every id of a type the key
      // may not read gets the same answer, and no query runs.
      const requirement = typeRequirementOf(info.schema, parsed.type);
      if (requirement && !ctx.permissions.allows(requirement)) {
        throw scopeRequiredError(requirement, ctx.permissions, parsed.type);
      }
      return (await load(ctx, parsed.id)) as never;
    },
  },
  Node: {
    __resolveType: (node) => (typeNames.get(node.constructor) ?? null) as never,
  },
};
