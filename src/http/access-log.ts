import type { ApolloServerPlugin } from '@apollo/server';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { getOperationAST, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { KeyRefusedError } from '../auth/authenticator';
import type { GraphQLContext } from '../graphql/context';

/** What the access log line says about a request beyond what fastify knows. */
interface Entry {
  keyPrefix?: string;
  operationName?: string | null;
  outcome?: string;
}

/**
 * One structured line per request (issue 7 item 9), in place of fastify's
 * "incoming request" / "request completed" pair (the server passes
 * `controller()` as fastify's `logController`). The line is logged by the
 * request's own child logger, so it carries `reqId` (the id sent back in
 * X-Request-Id), plus:
 *
 * - `req`: method and URL (a key in the URL is masked by the serializer),
 * - `res`: the status code, `durationMs`,
 * - `keyPrefix`: the key's public prefix, never more of it (absent when no key was recognised),
 * - `operationName` and `outcome` (`OK` or the first error's code).
 *
 * Every response also carries the id in X-Request-Id.
 *
 * The Authorization header is never logged: the `req` serializer leaves all headers out,
 * and the logger redacts it besides.
 */
export class AccessLog {
  private readonly byRequest = new WeakMap<FastifyRequest, Entry>();
  /** Filled by the Apollo plugin, which knows only the request id; moved onto the request in onSend, moments later. */
  private readonly fromApollo = new Map<string, Entry>();

  /** Registers the hook that completes the entry; call before the routes are registered. */
  register(app: FastifyInstance): void {
    // A callback hook, not an async one: it runs on every response and never waits.
    app.addHook('onSend', (request, reply, payload, done) => {
      const entry = this.entry(request);
      const late = this.fromApollo.get(request.id);
      if (late) {
        this.fromApollo.delete(request.id);
        Object.assign(entry, late);
      }
      entry.outcome ??= outcomeOfPayload(payload, reply.statusCode);
      // Every response names its request id (Apollo's responses already do), so a client can quote the log line.
      if (!reply.hasHeader('x-request-id')) reply.header('x-request-id', request.id);
      done(null, payload);
    });
  }

  /**
   * Fastify's log controller with its two request lines replaced: no
   * "incoming request", and a "request completed" (or "request errored") that
   * says who asked for what and how it went. Fastify's other lines (errors its
   * handler logs, routes not found) are untouched.
   */
  controller(): LogController {
    const fields = (request: FastifyRequest, reply: FastifyReply) => this.fields(request, reply);
    return new (class extends LogController {
      override incomingRequest(): void {}
      override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
        if (error) reply.log.error({ ...fields(request, reply), err: error }, 'request errored');
        else reply.log.info(fields(request, reply), 'request completed');
      }
    })();
  }

  /** The request's key is known (authenticated, or refused by its IP allowlist or allowed origins). */
  key(request: FastifyRequest, prefix: string): void {
    this.entry(request).keyPrefix = prefix;
  }

  /** Authentication failed: notes a refused key's prefix, and hands the error back. */
  refused(request: FastifyRequest, error: unknown): unknown {
    const cause = error instanceof GraphQLError ? error.originalError : error;
    if (cause instanceof KeyRefusedError) this.key(request, cause.key.prefix);
    return error;
  }

  plugin(): ApolloServerPlugin<GraphQLContext> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async ({ contextValue, response, document, operation, request }) => {
          const body = response.body;
          // `operation` is only resolved once the document validated; a parsed but invalid one still has a name.
          const named = operation ?? (document ? getOperationAST(document, request.operationName) : null);
          this.fromApollo.set(contextValue.requestId, {
            operationName: named?.name?.value ?? request.operationName ?? null,
            outcome: outcomeOf(body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors),
          });
        },
      }),
    };
  }

  private fields(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
    const entry = this.byRequest.get(request) ?? {};
    this.byRequest.delete(request);
    return {
      req: request,
      res: reply,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
      keyPrefix: entry.keyPrefix,
      operationName: entry.operationName ?? null,
      outcome: entry.outcome ?? (reply.statusCode < 400 ? 'OK' : `HTTP_${reply.statusCode}`),
    };
  }

  private entry(request: FastifyRequest): Entry {
    let entry = this.byRequest.get(request);
    if (!entry) this.byRequest.set(request, (entry = {}));
    return entry;
  }
}

function outcomeOf(errors: readonly GraphQLFormattedError[] | undefined): string {
  if (!errors || errors.length === 0) return 'OK';
  const code = errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** Responses Apollo (or fastify) built without the plugin: read the code from the small error body. */
function outcomeOfPayload(payload: unknown, statusCode: number): string | undefined {
  if (typeof payload === 'string' && statusCode >= 400) {
    try {
      const { errors } = JSON.parse(payload) as { errors?: GraphQLFormattedError[] };
      return Array.isArray(errors) ? outcomeOf(errors) : undefined;
    } catch {
      // Not JSON: the status will do.
    }
  }
  return undefined;
}
