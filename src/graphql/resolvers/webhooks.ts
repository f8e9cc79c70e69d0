import { pageRequest, toConnection } from '../connection';
import type { Resolvers } from '../generated/resolvers';
import { expectGlobalId, toGlobalId } from '../../global-id';

/** Thin: arguments in, service call, result out. The rules live in src/webhooks. */
export const webhookResolvers: Resolvers = {
  Query: {
    webhookEndpoints: (_root, _args, ctx) => ctx.services.webhookEndpoints.list(ctx.actor.accountId),
    webhookDeliveries: async (_root, { endpointId, status, ...args }, ctx) => {
      const request = pageRequest(args);
      const filter = {
        endpointId: endpointId == null ? undefined : expectGlobalId(endpointId, 'WebhookEndpoint', 'endpointId'),
        status: status ?? undefined,
      };
      return toConnection(await ctx.services.webhookDeliveries.list(ctx.actor.accountId, request, filter), request);
    },
  },
  Mutation: {
    createWebhookEndpoint: (_root, { input }, ctx) => ctx.services.webhookEndpoints.create(ctx.actor, input),
    updateWebhookEndpoint: (_root, { input: { id, ...fields } }, ctx) =>
      ctx.services.webhookEndpoints.update(ctx.actor, expectGlobalId(id, 'WebhookEndpoint', 'id'), fields),
    deleteWebhookEndpoint: async (_root, { input }, ctx) => {
      const id = expectGlobalId(input.id, 'WebhookEndpoint', 'id');
      await ctx.services.webhookEndpoints.delete(ctx.actor, id);
      return { deletedId: toGlobalId('WebhookEndpoint', id) };
    },
    retryWebhookDelivery: async (_root, { input }, ctx) => ({
      delivery: await ctx.services.webhookDeliveries.retry(ctx.actor.accountId, expectGlobalId(input.id, 'WebhookDelivery', 'id')),
    }),
  },
  WebhookEndpoint: {
    id: (endpoint) => toGlobalId('WebhookEndpoint', endpoint.id),
  },
  WebhookDelivery: {
    id: (delivery) => toGlobalId('WebhookDelivery', delivery.id),
    endpointId: (delivery) => toGlobalId('WebhookEndpoint', delivery.endpointId),
    // Through the request's loaders: a page of N deliveries costs one query per relation.
    endpoint: (delivery, _args, ctx) => ctx.loaders.webhookEndpoint.load(delivery.endpointId),
    eventType: async (delivery, _args, ctx) => (await ctx.loaders.webhookEventType.load(delivery.eventId)) ?? 'unknown',
    attemptLog: async (delivery, args, ctx) => {
      const page = await ctx.loaders.webhookAttemptsOfDeliveries(pageRequest({ first: args.first })).load(delivery.id);
      return page.nodes;
    },
  },
};
