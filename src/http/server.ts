import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { maskKeys } from '../auth/key-format';
import type { Config } from '../config';
import { createContext, type GraphQLContext } from '../graphql/context';
import { authorizeMutationsPlugin } from '../graphql/plugins/authorize-mutations';
import { buildSchema } from '../graphql/schema';
import type { Services } from '../services';
import { authenticateRequest } from './authenticate-request';
import { registerCors } from './cors';
import { formatError } from './format-error';
import { RequestLogRecorder } from './request-log';
import { responsePlugin } from './response-plugin';

export type ServerConfig = Pick<Config, 'LOG_LEVEL' | 'TRUST_PROXY' | 'NODE_ENV'>;

export interface ServerOptions {
  /** Where log lines go instead of stdout (tests read them back). */
  logStream?: { write(line: string): void };
}

/**
 * Fastify, for its speed and because Apollo's fastify integration lets a plugin
 * set any status and header. Nothing listens yet: the caller decides where.
 */
export async function createHttpServer(services: Services, config: ServerConfig, options: ServerOptions = {}): Promise<FastifyInstance> {
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
    trustProxy: config.TRUST_PROXY === '' ? false : config.TRUST_PROXY.split(',').map((s) => s.trim()),
  });

  const requestLog = new RequestLogRecorder(services.requestLogs);
  const apollo = new ApolloServer<GraphQLContext>({
    schema: buildSchema(services.engine),
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [fastifyApolloDrainPlugin(app), authorizeMutationsPlugin(), responsePlugin(app.log), requestLog.plugin()],
  });
  await apollo.start();

  registerCors(app, '/graphql', services.listedOrigins);
  requestLog.register(app);
  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    method: ['GET', 'POST'],
    context: async (request) => {
      const auth = await authenticateRequest(services, request).catch((error: unknown) => requestLog.refused(request, error));
      return requestLog.track(request, createContext(services, auth, request.id));
    },
  });

  app.get('/healthz', async (_request, reply) => {
    try {
      await services.dataSource.query('SELECT 1');
      return { status: 'ok', database: 'up' };
    } catch (error) {
      app.log.warn({ err: error }, 'health check: database unreachable');
      return reply.code(503).send({ status: 'unavailable', database: 'down' });
    }
  });

  return app;
}
