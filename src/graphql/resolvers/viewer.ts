import type { Resolvers } from '../generated/resolvers';
import { toGlobalId } from '../../global-id';

export const viewerResolvers: Resolvers = {
  Query: {
    viewer: (_root, _args, ctx) => ({ auth: ctx.auth }),
  },
  Viewer: {
    apiKey: ({ auth }) => auth.key,
    account: ({ auth }) => auth.account,
    effectiveScopes: ({ auth }) => auth.permissions.list(),
  },
  Account: {
    id: (account) => toGlobalId('Account', account.id),
  },
};
