import type { Resolvers } from '../generated/resolvers';

export const scopeResolvers: Resolvers = {
  Query: {
    scopes: (_root, _args, ctx) => {
      const { categories, scopes } = ctx.services.engine.catalog;
      return [...scopes].sort((a, b) => categories.indexOf(a.category) - categories.indexOf(b.category));
    },
    scopeBundles: (_root, _args, ctx) => [...ctx.services.engine.catalog.bundles],
  },
};
