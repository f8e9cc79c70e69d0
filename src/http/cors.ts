import type { FastifyInstance } from 'fastify';
import type { ListedOrigins } from '../auth/listed-origins';

const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name';
const EXPOSED_HEADERS = 'x-scopes, x-request-id, www-authenticate, retry-after';

/**
 * CORS for publishable keys in browsers. Written here rather than with
 * @fastify/cors because the decision needs our own data (origins listed by
 * keys), and the whole rule is: headers for listed origins, nothing otherwise.
 * Credentials (cookies) are never allowed: keys travel in the Authorization header.
 */
export function registerCors(app: FastifyInstance, path: string, origins: ListedOrigins): void {
  app.options(path, async (request, reply) => {
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    if (origin !== undefined && (await origins.has(origin))) {
      reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });

  // A callback hook: it runs on every response, and only a request with an Origin waits (for the listed origins).
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.routeOptions.url !== path || request.method === 'OPTIONS') return done(null, payload);
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return done(null, payload);
    origins.has(origin).then((listed) => {
      if (listed) reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSED_HEADERS);
      done(null, payload);
    }, done);
  });
}
