import type { GraphQLFormattedError } from 'graphql';

/**
 * Unexpected errors never reach a client with their message: SQL, stack traces
 * and internal names stay in the log (written by the response plugin with the
 * same request id the client sees). Errors raised on purpose carry a code from
 * the contract, or one of Apollo's own, and keep their message.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code !== 'INTERNAL_SERVER_ERROR' && code !== undefined) return formatted;
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    // A request id set on purpose (authenticate-request.ts) is safe to keep: it only points into the log.
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      ...(typeof formatted.extensions?.requestId === 'string' ? { requestId: formatted.extensions.requestId } : {}),
    },
  };
}
