import type { Resolvers } from '../generated/resolvers';
import { requiredScopesReport } from '../../scopes/required-scopes';

export const scopeResolvers: Resolvers = {
  Query: {
    scopes: (_root, _args, ctx) => {
      const { categories, scopes } = ctx.services.engine.catalog;
      return [...scopes].sort((a, b) => categories.indexOf(a.category) - categories.indexOf(b.category));
    },
    scopeBundles: (_root, _args, ctx) => [...ctx.services.engine.catalog.bundles],
    /**
     * Open to any key, like `scopes`: it tells a key nothing that sending the
     * operation would not. The document is validated against the whole schema
     * (as every request is, whatever INTROSPECTION says), and a field the key may
     * not use would answer SCOPE_REQUIRED with the same requirement. So paths the
     * key's scoped introspection hides are reported too: that is the point, a key
     * learns what it lacks.
     */
    requiredScopes: (_root, { query, variables, operationName }, ctx, info) => {
      const report = requiredScopesReport(info.schema, ctx.services.engine, { query, variables, operationName }, ctx.permissions);
      return {
        minimalScopes: report.minimalScopes,
        missingScopes: report.missingScopes,
        fields: report.fields.map(({ path, requiredScopes }) => ({ path, requiredScopes })),
      };
    },
  },
};
