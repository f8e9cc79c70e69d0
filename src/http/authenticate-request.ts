import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { AuthenticatedKey } from '../auth/authenticator';
import { isAppError } from '../errors';
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
    if (!isAppError(error)) throw error;
    const headers = new Map(Object.entries(headersFor(error.code)));
    throw new GraphQLError(error.message, {
      extensions: { ...error.extensions, http: { status: HTTP_STATUS[error.code], headers } },
    });
  }
}
