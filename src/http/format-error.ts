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
/**
 * Longest message an error carries. graphql-js quotes the client's own input
 * back whole (`Variable "$id" got invalid value "..."`), which a request close
 * to BODY_LIMIT_BYTES could make a megabyte long.
 */
export const MAX_MESSAGE_LENGTH = 1_000;

export function formatError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code !== 'INTERNAL_SERVER_ERROR' && code !== undefined) return capped(formatted);
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

/** A quoted value past its first 100 characters (graphql-js quotes a bad value twice: "got ..." and in the reason). */
const LONG_QUOTED = /"((?:[^"\\]|\\.){100})((?:[^"\\]|\\.)+)"/g;

/** Long quoted values cut to their start, and the whole message to MAX_MESSAGE_LENGTH at most. */
function capped(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.message.length <= MAX_MESSAGE_LENGTH) return formatted;
  let message = formatted.message.replace(LONG_QUOTED, (_all, start: string, rest: string) => `"${start}…" (${rest.length} more characters)`);
  if (message.length > MAX_MESSAGE_LENGTH) message = `${message.slice(0, MAX_MESSAGE_LENGTH)}… (${message.length - MAX_MESSAGE_LENGTH} more characters)`;
  return { ...formatted, message };
}

export function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
