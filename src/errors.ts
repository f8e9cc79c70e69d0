/**
 * The one error type the domain, auth and scope layers throw.
 *
 * It deliberately does not extend GraphQLError: services are shared by the CLI,
 * the API and the tests, and must not depend on the transport. graphql-js copies
 * `extensions` from an original error onto the GraphQLError it builds, so a resolver
 * that lets an AppError escape produces `extensions.code` with no glue code.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'KEY_EXPIRED',
  'KEY_REVOKED',
  'IP_NOT_ALLOWED',
  'ORIGIN_NOT_ALLOWED',
  'SCOPE_REQUIRED',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CAPACITY_EXCEEDED',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  readonly extensions: { code: ErrorCode } & Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AppError';
    this.extensions = { ...details, code };
  }

  get code(): ErrorCode {
    return this.extensions.code;
  }
}

export const badInput = (message: string, details: Record<string, unknown> = {}): AppError =>
  new AppError('BAD_USER_INPUT', message, details);

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
