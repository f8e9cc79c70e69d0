import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { isAppError } from '../../errors';
import { HTTP_STATUS } from '../../http/status';
import type { GraphQLContext } from '../context';
import { requestQueryCost } from './query-cost';

/** The query limits (README "Security"); each has a `QUERY_MAX_*` variable. */
export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
}

/**
 * The error every limit raises before execution. Apollo wraps validation errors
 * in its own GRAPHQL_VALIDATION_FAILED error, keeping this one as
 * `originalError`; `limitsPlugin` restores the contract's code on the wrapper.
 */
export class QueryTooComplexError extends GraphQLError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, {
      extensions: { ...details, code: 'QUERY_TOO_COMPLEX', http: { status: HTTP_STATUS.QUERY_TOO_COMPLEX } },
    });
  }
}

/** What the server needs to enforce the limits: Apollo plugins, validation rules and parse options. */
export interface LimitProtection {
  readonly plugins: ApolloServerPlugin<GraphQLContext>[];
  readonly validationRules: ValidationRule[];
  readonly parseOptions: { maxTokens: number };
}

/**
 * Depth, aliases and directives are graphql-armor's validation rules, reporting
 * our error in place of armor's "Syntax Error: ..." one. Tokens are counted by
 * graphql-js's own parser (`maxTokens`): armor's Apollo token plugin throws from
 * `parsingDidStart`, outside Apollo's parse-error handling, so its error would not
 * come back as a 400 with our code. Cost needs the request's
 * variables, which validation rules never see, so it is checked once the
 * operation is resolved and before anything executes.
 */
export function queryLimits(limits: QueryLimits): LimitProtection {
  const reject =
    (what: string, limit: number) =>
    (context: ValidationContext | null, error: GraphQLError): void => {
      const found = /found (\d+)/.exec(error.message)?.[1];
      const message =
        found !== undefined ? `${what} ${found} exceeds the limit of ${limit}` : `${what} exceeds the limit of ${limit}`;
      context?.reportError(new QueryTooComplexError(message, { limit: what, maximum: limit, ...(found ? { actual: Number(found) } : {}) }));
    };
  const armor = new ApolloArmor({
    // Suggestions are masked by limitsPlugin for every error, not only "Cannot query field".
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    maxDepth: {
      n: limits.maxDepth,
      // Introspection's own nesting (ofType { ofType { ... } }) is not a data query.
      ignoreIntrospection: true,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [reject('Query depth', limits.maxDepth)],
    },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [reject('Alias count', limits.maxAliases)] },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [reject('Directive count', limits.maxDirectives)] },
  });
  const { validationRules } = armor.protect();
  return {
    plugins: [limitsPlugin(limits)],
    validationRules: validationRules as ValidationRule[],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

const SUGGESTION = / ?Did you mean [^?]*\?/g;
// graphql-js's own wording, typo included ("more that").
const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/;

/**
 * Enforces the cost limit, gives wrapped limit errors their contract code, and
 * removes graphql-js's "Did you mean ..." from validation and coercion errors so
 * the schema cannot be mapped by guessing.
 */
export function limitsPlugin(limits: QueryLimits): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const cost = requestQueryCost(schema, document, request);
          if (cost > limits.maxCost) {
            throw new QueryTooComplexError(`Query cost ${cost} exceeds the limit of ${limits.maxCost}`, {
              limit: 'Query cost',
              maximum: limits.maxCost,
              actual: cost,
            });
          }
        },
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const extensions = error.extensions as Record<string, unknown>;
            if (error.originalError instanceof QueryTooComplexError) {
              extensions.code = 'QUERY_TOO_COMPLEX';
            } else if (TOKEN_LIMIT.test(error.message)) {
              extensions.code = 'QUERY_TOO_COMPLEX';
              extensions.limit = 'Token count';
              extensions.maximum = limits.maxTokens;
              error.message = `Token count exceeds the limit of ${limits.maxTokens}`;
            }
            // Our own errors may suggest on purpose (an unknown scope name lists the catalog's nearest ones).
            if (!isAppError(error.originalError)) error.message = error.message.replace(SUGGESTION, '');
          }
        },
      };
    },
  };
}
