import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { maskKeys } from '../auth/key-format';
import { connectCluster } from '../cluster';
import type { Config } from '../config';
import { createContext, type GraphQLContext } from '../graphql/context';
import { authorizeMutationsPlugin } from '../graphql/plugins/authorize-mutations';
import { queryProtections, type LimitsConfig } from '../graphql/limits';
import { buildSchema } from '../graphql/schema';
import type { Services } from '../services';
import { AccessLog } from './access-log';
import { registerAdminConsole } from './admin/routes';
import { authenticateRequest } from './authenticate-request';
import { registerCors } from './cors';
import { formatError } from './format-error';
import { registerHealth } from './health';
import { costPlugin } from './rate-limit/cost-plugin';
import { RateLimits, type RateLimitConfig } from './rate-limit/rate-limits';
import { clientErrorHandler, frameworkErrors, registerRequestErrors } from './request-errors';
import { RequestLogRecorder } from './request-log';
import { responsePlugin } from './response-plugin';

export type ServerConfig = Pick<Config, 'LOG_LEVEL' | 'TRUST_PROXY' | 'NODE_ENV' | 'BODY_LIMIT_BYTES'> & RateLimitConfig & LimitsConfig;

export interface ServerOptions {
  /** Where log lines go instead of stdout (tests read them back). */
  logStream?: { write(line: string): void };
}

/**
 * Fastify, for its speed and because Apollo's fastify integration lets a plugin
 * set any status and header. Nothing listens yet: the caller decides where.
 */
export async function createHttpServer(services: Services, config: ServerConfig, options: ServerOptions = {}): Promise<FastifyInstance> {
  const accessLog = new AccessLog();
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      // A key must never reach a log line (contract section 4).
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      // Fastify's own request serializer, except that a key a client put in the
      // URL (`?api_key=sk_live_...`) is cut to its prefix before it is logged.
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: maskKeys(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    genReqId: () => randomUUID(),
    // One line per request, with the key prefix, operation and outcome (issue 7 item 9).
    logController: accessLog.controller(),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Malformed HTTP (bad framing, headers over the size limit) and URLs the router cannot decode
    // are answered with a GraphQL error body too (request-errors.ts).
    clientErrorHandler,
    frameworkErrors,
    trustProxy: config.TRUST_PROXY === '' ? false : config.TRUST_PROXY.split(',').map((s) => s.trim()),
  });

  const requestLog = new RequestLogRecorder(services.requestLogs);
  // With REDIS_URL: shared rate limits and key cache invalidation between instances (src/cluster).
  const cluster = await connectCluster(config, services.invalidation, app.log);
  app.addHook('onClose', () => cluster.close());
  const rateLimits = new RateLimits(config, app.log, cluster.redis);
  const protections = queryProtections(config);
  const apollo = new ApolloServer<GraphQLContext>({
    schema: buildSchema(services.engine),
    // Query limits, and introspection per INTROSPECTION rather than Apollo's NODE_ENV default (src/graphql/limits).
    introspection: true,
    validationRules: protections.validationRules,
    parseOptions: protections.parseOptions,
    formatError,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would re-raise the signal and kill the process before it drained.
    stopOnTerminationSignals: false,
    // Apollo installs its cache-control plugin unless told not to; it wraps every resolver to read
    // @cacheControl hints this schema has none of (responses are per key), and cost about a fifth
    // of a 20-row page's CPU in the end-to-end benchmark.
    plugins: [ApolloServerPluginCacheControlDisabled(), fastifyApolloDrainPlugin(app), ...protections.plugins, authorizeMutationsPlugin(), responsePlugin(app.log), requestLog.plugin(), accessLog.plugin(), costPlugin(rateLimits.cost)],
  });
  await apollo.start();

  registerCors(app, '/graphql', services.listedOrigins);
  requestLog.register(app);
  accessLog.register(app);
  // 413 PAYLOAD_TOO_LARGE, bodies fastify cannot parse, a bad Host, unknown routes: GraphQL-shaped 4xx (request-errors.ts).
  registerRequestErrors(app);
  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    method: ['GET', 'POST'],
    context: async (request, reply) => {
      // Per client address before the key is checked, so failed authentications are throttled (rate-limits.ts).
      const auth = await rateLimits.authenticate(request, () => authenticateRequest(services, request)).catch((error: unknown) =>
        requestLog.refused(request, accessLog.refused(request, error)),
      );
      accessLog.key(request, auth.key.prefix);
      const context = requestLog.track(request, createContext(services, auth, request.id));
      // After track, so a request refused for the key's budget still gets its request log row.
      await rateLimits.admit(auth, reply);
      return context;
    },
  });

  registerHealth(app, [
    { name: 'database', critical: true, check: async () => (await services.dataSource.query('SELECT 1'), { up: true }) },
    ...cluster.probes,
  ]);
  registerAdminConsole(app);

  return app;
}
