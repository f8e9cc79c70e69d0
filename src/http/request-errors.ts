import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Requests refused before GraphQL ever sees them: by node's HTTP parser, by
 * fastify's body parsing, for a Host no URL can be built from, or for a route
 * that does not exist. Each gets the body every other refusal has,
 * `{"errors":[{"message":...,"extensions":{"code":...}}]}`, and a 4xx: never
 * fastify's own `{"statusCode","error","message"}`, and never a 500 for what
 * was the client's mistake (issue 7 item 6; test/http/hostile-input.int.test.ts
 * sends thousands of such requests).
 */

const JSON_TYPE = 'application/json; charset=utf-8';

export function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/**
 * Registers the error handler, the not-found handler and the Host check. Call
 * it before the routes are registered (the hook applies to routes added after it).
 */
export function registerRequestErrors(app: FastifyInstance): void {
  app.setErrorHandler(requestErrorHandler);
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).type(JSON_TYPE).send(errorBody('NOT_FOUND', 'No such route: GraphQL is served at POST /graphql (and GET /graphql for queries)')),
  );
  // The Apollo integration builds the request's URL from the Host header
  // (`new URL(url, protocol://hostname/)`); a Host such as `a b` makes that
  // throw, which fastify answered with a 500. Refuse it as the bad request it is.
  app.addHook('onRequest', async (request, reply) => {
    if (URL.canParse(request.url, `${request.protocol}://${request.hostname}/`)) return;
    return reply.code(400).type(JSON_TYPE).send(errorBody('BAD_REQUEST', 'The Host header is not a valid host name'));
  });
}

/**
 * A body over BODY_LIMIT_BYTES is 413 PAYLOAD_TOO_LARGE, refused before it is
 * parsed. Fastify's other client errors (a body that is not JSON, an empty
 * JSON body, an unsupported content type, a bad Content-Length, a malformed
 * URL) keep their 4xx status, with code BAD_REQUEST as Apollo's own request
 * errors have. Every other error keeps fastify's handling.
 */
export function requestErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(413).type(JSON_TYPE).send(errorBody('PAYLOAD_TOO_LARGE', 'Request body too large'));
  }
  const status = error.statusCode ?? 0;
  if (error.code?.startsWith('FST_ERR_') && status >= 400 && status < 500) {
    const message =
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'Unsupported Content-Type: send the request as application/json' : error.message;
    return reply.code(status).type(JSON_TYPE).send(errorBody('BAD_REQUEST', message));
  }
  throw error;
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode (`/%`,
 * FST_ERR_BAD_URL) never reaches the error handler above, so it is answered here.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) void requestErrorHandler(error, request, reply);
  else void reply.code(500).type(JSON_TYPE).send(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
}

/**
 * Node's HTTP parser refusing a request (bad framing, headers over the size
 * limit, a header with a NUL): fastify's default answer with a GraphQL error
 * body instead of its own. Set as fastify's `clientErrorHandler`.
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request headers too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request timed out']
        : [400, 'Malformed HTTP request'];
  const body = errorBody('BAD_REQUEST', message);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${JSON_TYPE}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
