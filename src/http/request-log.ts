import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { KeyRefusedError } from '../auth/authenticator';
import type { ApiKey } from '../db/entities';
import type { RequestLogService } from '../domain/request-logs/request-log-service';
import type { GraphQLContext } from '../graphql/context';
import { analyseOperation } from '../scopes/operation-requirements';
import { rootFields } from './root-fields';

const DRAFT = Symbol('requestLogDraft');
type TrackedContext = GraphQLContext & { [DRAFT]?: Draft };

/** What is known about a request before its response goes out; the rest comes from the HTTP layer. */
interface Draft {
  readonly apiKeyId: number;
  readonly accountId: number;
  operationName: string | null;
  rootFields: string[];
  /** Set when the operation executes; empty when nothing ran. */
  scopesUsed: string[];
  /** Set by the Apollo plugin; undefined when Apollo answered without running its request pipeline. */
  outcome: string | undefined;
}

/**
 * The request log (contract section 4): one row for each request of a known
 * key, written from three points on the request's path.
 *
 * - The context function `track`s the request once its key is authenticated,
 *   or notes a `refused` one (a valid key outside its IP allowlist or allowed
 *   origins: 403, logged with that code and no operation, since none ran).
 *   A request refused with a 401 has no key to log under and is not logged.
 * - The Apollo plugin fills in the operation name, the root field names and
 *   the outcome (`OK` or the first error's code) as the response is built, and,
 *   when the operation executes, the scopes it used (`scopesUsed`, for
 *   `ApiKey.scopeUsage`): for each requirement its selection meets that the key
 *   holds, the first alternative the key holds in full. It is the analysis that
 *   authorizes mutations, cached per document and permission set, so it costs a
 *   lookup. An operation refused before execution (limits, validation, a
 *   mutation refused as a whole, a rate limit) used nothing.
 * - Fastify's `onSend` hook, which runs before a byte is written, records the
 *   row with the duration so far and the client address the IP allowlist used
 *   (`request.ip`, which honours TRUST_PROXY). Recording is a push into a
 *   buffer: the response never waits for the database, and by the time a
 *   client has its response the row is already buffered (tests flush, no sleep).
 *
 * Neither the key nor any header is ever part of a row.
 */
export class RequestLogRecorder {
  private readonly byRequest = new WeakMap<FastifyRequest, Draft>();

  constructor(private readonly logs: RequestLogService) {}

  /** Registers the onSend hook; call before the GraphQL route is registered so it applies there. */
  register(app: FastifyInstance): void {
    // A callback hook, not an async one: it runs on every response and never waits.
    app.addHook('onSend', (request, reply, payload, done) => {
      const draft = this.byRequest.get(request);
      if (draft) {
        this.byRequest.delete(request);
        this.record(draft, request, reply, payload);
      }
      done(null, payload);
    });
  }

  /** The request's key is authenticated: it will get a row. Returns the context, carrying the draft for the plugin. */
  track(request: FastifyRequest, context: GraphQLContext): GraphQLContext {
    const draft = this.start(request, context.auth.key, undefined);
    // Apollo hands plugins a shallow copy of the context (cloneObject in
    // ApolloServer.ts), so the plugin cannot look the context up by identity;
    // an own enumerable property is copied along.
    return Object.assign(context, { [DRAFT]: draft });
  }

  /** Authentication failed: a refusal of a known key is logged, anything else is not. Rethrows. */
  refused(request: FastifyRequest, error: unknown): never {
    const cause = error instanceof GraphQLError ? error.originalError : error;
    if (cause instanceof KeyRefusedError) this.start(request, cause.key, cause.code);
    throw error;
  }

  plugin(): ApolloServerPlugin<GraphQLContext> {
    return {
      requestDidStart: async () => ({
        executionDidStart: async ({ contextValue, document, operation, request, schema }) => {
          const draft = (contextValue as TrackedContext)[DRAFT];
          if (!draft) return;
          try {
            draft.scopesUsed = [...analyseOperation(schema, document, operation, request.variables ?? {}).scopesUsed(contextValue.permissions)];
          } catch {
            // Too large to analyse: the mutation plugin refuses such a mutation; a query's row records nothing.
          }
        },
        willSendResponse: async ({ contextValue, response, document, operation }) => {
          const draft = (contextValue as TrackedContext)[DRAFT];
          if (!draft) return;
          draft.operationName = operation?.name?.value ?? null;
          draft.rootFields = document && operation ? [...rootFields(document, operation).dataFieldNames] : [];
          const body = response.body;
          draft.outcome = outcomeOf(body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors);
        },
      }),
    };
  }

  private start(request: FastifyRequest, key: Pick<ApiKey, 'id' | 'accountId'>, outcome: string | undefined): Draft {
    const draft: Draft = { apiKeyId: key.id, accountId: key.accountId, operationName: null, rootFields: [], scopesUsed: [], outcome };
    this.byRequest.set(request, draft);
    return draft;
  }

  private record(draft: Draft, request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const durationMs = reply.elapsedTime;
    this.logs.record({
      apiKeyId: draft.apiKeyId,
      accountId: draft.accountId,
      at: new Date(Date.now() - durationMs),
      operationName: draft.operationName,
      rootFields: draft.rootFields,
      scopesUsed: draft.scopesUsed,
      outcome: draft.outcome ?? outcomeOfPayload(payload, reply.statusCode),
      durationMs,
      clientAddress: request.ip,
    });
  }
}

function outcomeOf(errors: readonly GraphQLFormattedError[] | undefined): string {
  if (!errors || errors.length === 0) return 'OK';
  const code = errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * Apollo answers some requests of an authenticated key without running its
 * pipeline, so without the plugin (a POST with no `query`: 400 BAD_REQUEST).
 * Its error body is small; read the code from it.
 */
function outcomeOfPayload(payload: unknown, statusCode: number): string {
  if (typeof payload === 'string') {
    try {
      return outcomeOf((JSON.parse(payload) as { errors?: GraphQLFormattedError[] }).errors);
    } catch {
      // Not JSON: fall through to the status.
    }
  }
  return statusCode < 400 ? 'OK' : 'INTERNAL_SERVER_ERROR';
}
