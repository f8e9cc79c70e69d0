import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { AuthenticatedKey } from '../auth/authenticator';
import { isDatabaseUnavailable } from '../db/driver-errors';
import { isAppError } from '../errors';
import { SERVICE_UNAVAILABLE_MESSAGE } from './format-error';
import type { Services } from '../services';
import { HTTP_STATUS, headersFor } from './status';

/**
 * Runs before the operation is parsed. An authentication failure becomes a
 * GraphQLError whose `http` extension Apollo Server turns into the response's
 * status and headers (401 + WWW-Authenticate, or 403), with no data.
 */
export async function authenticateRequest(services: Services, request: FastifyRequest): Promise<AuthenticatedKey> {
  try {
    return await services.authenticator.authenticate({
      authorization: request.headers.authorization,
      clientAddress: request.ip,
      origin: request.headers.origin,
    });
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error, requestId: request.id }, 'authentication: database unavailable');
      throw new GraphQLError(SERVICE_UNAVAILABLE_MESSAGE, {
        extensions: {
          code: 'SERVICE_UNAVAILABLE',
          requestId: request.id,
          http: { status: 503, headers: new Map([['x-request-id', request.id], ...Object.entries(headersFor('SERVICE_UNAVAILABLE'))]) },
        },
      });
    }
    if (!isAppError(error)) {
      // A fault, not a refusal (the database is down, say). Apollo would answer a
      // masked 500 without running any plugin, so nothing would log it and the
      // client would get no request id to quote: log it here under the id we send.
      request.log.error({ err: error, requestId: request.id }, 'authentication failed unexpectedly');
      throw new GraphQLError('Internal server error', {
        extensions: {
          code: 'INTERNAL_SERVER_ERROR',
          requestId: request.id,
          http: { status: 500, headers: new Map([['x-request-id', request.id]]) },
        },
      });
    }
    const headers = new Map(Object.entries(headersFor(error.code)));
    throw new GraphQLError(error.message, {
      // originalError is never serialized; the request log reads it (a KeyRefusedError names its key).
      originalError: error,
      extensions: { ...error.extensions, http: { status: HTTP_STATUS[error.code], headers } },
    });
  }
}
