import { pageRequest, toConnection } from '../connection';
import type { Resolvers } from '../generated/resolvers';

/** Thin: the buffering, retention and account scoping live in RequestLogService. */
export const requestLogResolvers: Resolvers = {
  ApiKey: {
    requestLogs: async (key, args, ctx) => {
      const request = pageRequest(args);
      // Through a loader: `apiKeys { edges { node { requestLogs } } }` is one query, not one per key.
      return toConnection(await ctx.loaders.requestLogsOfKeys(request).load(key.id), request);
    },
  },
};
