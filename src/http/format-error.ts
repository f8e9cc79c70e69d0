import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../db/driver-errors';

/** What a client reads when the database cannot be reached: nothing about hosts, drivers or SQL. */
export const SERVICE_UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable: the database cannot be reached. Retry shortly.';

/**
 * Unexpected errors never reach a client with their message: SQL, stack traces
 * and internal names stay in the log (written by the response plugin with the
 * same request id the client sees). Errors raised on purpose carry a code from
 * the contract, or one of Apollo's own, and keep their message. A database
 * that cannot be reached is not a fault of the request: SERVICE_UNAVAILABLE
 * (503), so clients know to retry.
 */
export function formatError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code !== 'INTERNAL_SERVER_ERROR' && code !== undefined) return formatted;
  // Apollo refuses a few requests with a 4xx status and no code ("provided sha does not match
  // query", "Unsupported persisted query version"): the client's mistake, not a fault to mask.
  if (isUncodedClientError(error)) return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
  const requestId = typeof formatted.extensions?.requestId === 'string' ? { requestId: formatted.extensions.requestId } : {};
  const unavailable = error !== undefined && isDatabaseUnavailable(unwrapResolverError(error));
  return {
    message: unavailable ? SERVICE_UNAVAILABLE_MESSAGE : 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    // A request id set on purpose (authenticate-request.ts) is safe to keep: it only points into the log.
    extensions: { code: unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR', ...requestId },
  };
}

export function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
