import type { ErrorCode } from '../errors';

/**
 * The one place error codes meet HTTP statuses (contract section 3). Used for
 * errors that stop a request before execution and for responses without data;
 * errors beside data keep 200, as GraphQL over HTTP expects.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  KEY_EXPIRED: 401,
  KEY_REVOKED: 401,
  IP_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  SCOPE_REQUIRED: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 200,
  // A business rule refusing a well-formed request: 409 only if it ever stopped a request before execution.
  CAPACITY_EXCEEDED: 409,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  INTERNAL_SERVER_ERROR: 500,
  // The database cannot be reached or did not answer within DB_TIMEOUT_MS.
  SERVICE_UNAVAILABLE: 503,
};

/** RFC 6750 section 3: a 401 names the scheme and why the token failed. */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

export function insufficientScopeChallenge(scopes: readonly string[]): string {
  return `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`;
}

/** Seconds a client should wait before retrying a 503: an outage is usually short, and clients back off on their own after that. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

export function headersFor(code: ErrorCode): Record<string, string> {
  if (code === 'SERVICE_UNAVAILABLE') return { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) };
  return HTTP_STATUS[code] === 401 ? { 'www-authenticate': INVALID_TOKEN_CHALLENGE } : {};
}
