import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import type { GraphQLContext } from '../graphql/context';
import { isDatabaseUnavailable } from '../db/driver-errors';
import { isUncodedClientError } from './format-error';
import { HTTP_STATUS, headersFor, insufficientScopeChallenge } from './status';
import { rootFields } from './root-fields';

/**
 * HTTP semantics of a GraphQL response (contract section 3), as a plugin rather
 * than code in resolvers: X-Scopes and `Cache-Control: no-store` on authenticated responses, 403 with an
 * insufficient_scope challenge when every root field was denied, 500 when an
 * unexpected error left no data, and a request id on masked errors.
 */
export function responsePlugin(logger: FastifyBaseLogger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR') continue;
            // Apollo's own 4xx refusals without a code (format-error.ts gives them BAD_REQUEST): the client's mistake.
            if (isUncodedClientError(error)) continue;
            const details = { err: error.originalError ?? error, requestId: contextValue.requestId, path: error.path };
            // An outage is the operator's news, not a bug: a warning, once per failed field.
            if (isDatabaseUnavailable(error.originalError)) logger.warn(details, 'database unavailable');
            else logger.error(details, 'unexpected error');
          }
        },
        async willSendResponse({ response, contextValue, document, operation }) {
          response.http.headers.set('x-scopes', contextValue.auth.permissions.list().join(', '));
          response.http.headers.set('x-request-id', contextValue.requestId);
          // An answer is for one key: no shared cache may keep it, and no browser cache either (a GET is cacheable by default).
          response.http.headers.set('cache-control', 'no-store');
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errors = result.errors ?? [];
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code === 'INTERNAL_SERVER_ERROR' || code === 'SERVICE_UNAVAILABLE') {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
          if (!document || !operation || errors.length === 0) return;
          if (unavailableWithoutData(rootFields(document, operation).responseKeys, result.data, errors)) {
            response.http.status = HTTP_STATUS.SERVICE_UNAVAILABLE;
            for (const [name, value] of Object.entries(headersFor('SERVICE_UNAVAILABLE'))) response.http.headers.set(name, value);
            return;
          }
          const denied =
            deniedRootScopes(rootFields(document, operation).responseKeys, result.data, errors) ??
            scopesThatNulledData(result.data, errors);
          if (denied) {
            response.http.status = 403;
            response.http.headers.set('www-authenticate', insufficientScopeChallenge(denied));
          } else if (result.data == null && errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
            response.http.status = 500;
          }
        },
      };
    },
  };
}

/**
 * A denied field below the root nulls all of `data` when every field between it
 * and the root is non-null (`{ viewer { apiKey { name } } }` without keys:read).
 * No data was returned, so the contract's "200 when any data is returned" does
 * not hold: answer 403 as for a denied root field, unless a fault is also to
 * blame (then 500 applies).
 */
function scopesThatNulledData(
  data: Record<string, unknown> | null | undefined,
  errors: readonly GraphQLFormattedError[],
): string[] | undefined {
  if (data !== null) return undefined;
  if (errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) return undefined;
  const scopeErrors = errors.filter((e) => e.extensions?.code === 'SCOPE_REQUIRED');
  if (scopeErrors.length === 0) return undefined;
  return [...new Set(scopeErrors.flatMap((e) => (e.extensions?.missingScopes as string[] | undefined) ?? []))];
}

/** The missing scopes when every root field came back null with SCOPE_REQUIRED at its own path. */
function deniedRootScopes(
  rootKeys: ReadonlySet<string>,
  data: Record<string, unknown> | null | undefined,
  errors: readonly GraphQLFormattedError[],
): string[] | undefined {
  if (rootKeys.size === 0) return undefined;
  const missing = new Set<string>();
  for (const key of rootKeys) {
    if (data && data[key] !== null && data[key] !== undefined) return undefined;
    const error = errors.find((e) => e.path?.length === 1 && e.path[0] === key && e.extensions?.code === 'SCOPE_REQUIRED');
    if (!error) return undefined;
    for (const scope of (error.extensions?.missingScopes as string[] | undefined) ?? []) missing.add(scope);
  }
  return [...missing];
}

/**
 * The database failed the request and nothing came back: 503 with Retry-After,
 * so clients and load balancers treat it as the transient outage it is. When
 * some root field did return data, the response stays 200 (GraphQL over HTTP:
 * partial data is a success) and the error marks what is missing.
 */
function unavailableWithoutData(
  rootKeys: ReadonlySet<string>,
  data: Record<string, unknown> | null | undefined,
  errors: readonly GraphQLFormattedError[],
): boolean {
  if (!errors.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return false;
  if (data == null) return true;
  return [...rootKeys].every((key) => data[key] === null || data[key] === undefined);
}
