import {
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { badInput } from '../errors';
import type { ScopeEngine } from './engine';
import { minimalScopes } from './minimal-scopes';
import { analyseOperation } from './operation-requirements';
import type { EffectivePermissions } from './permissions';

/**
 * `requiredScopes` and `npx scopeql scopes` (issue 9): what an operation needs,
 * from the schema's directives alone. Nothing of the operation runs.
 */
export interface RequiredScopesRequest {
  readonly query: string;
  /** Only the variables of @skip/@include matter; others are ignored, so a mutation's input may be left out. */
  readonly variables?: unknown;
  readonly operationName?: string | null;
  /** Keep graphql-js's "Did you mean ..." in validation errors: for the operator's CLI, never for a key. */
  readonly suggestions?: boolean;
}

export interface FieldRequirementReport {
  readonly path: string;
  readonly requiredScopes: string[][];
  /** `Booking.customer`, or `Customer` for an object an abstract field may return (CLI `--verbose`). */
  readonly where: readonly string[];
}

export interface RequiredScopesReport {
  readonly operationName: string | null;
  readonly operationType: 'query' | 'mutation' | 'subscription';
  /** See `minimal-scopes.ts` for what "minimal" means. In catalog order. */
  readonly minimalScopes: string[];
  /** Of minimalScopes, those the caller does not hold; every one of them without a caller. */
  readonly missingScopes: string[];
  readonly fields: FieldRequirementReport[];
  /** False when minimalScopes came from the greedy fallback (never for a real operation). */
  readonly exact: boolean;
}

/**
 * Far more tokens than the server lets an operation have (QUERY_MAX_TOKENS,
 * 2000 by default), so anything the server would run can be analysed; the
 * parser stops at the limit, so a huge string costs little to refuse.
 */
export const MAX_ANALYSED_TOKENS = 10_000;
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * Parses, validates against the whole schema (as the server does before it runs
 * anything, whatever the introspection mode), picks the operation, analyses it
 * and computes the minimal scope set. A `permissions` of the caller breaks ties
 * in its favour (`minimal-scopes.ts`) and gives `missingScopes`. Throws
 * BAD_USER_INPUT naming `query`, `variables` or `operationName`.
 */
export function requiredScopesReport(
  schema: GraphQLSchema,
  engine: ScopeEngine,
  request: RequiredScopesRequest,
  permissions?: EffectivePermissions,
): RequiredScopesReport {
  const variables = request.variables ?? {};
  if (typeof variables !== 'object' || Array.isArray(variables)) {
    throw badInput('variables must be a JSON object of variable values', { field: 'variables' });
  }
  const document = parseAndValidate(schema, request.query, request.suggestions === true);
  const operation = pickOperation(document, request.operationName ?? null);
  const analysis = analyseOperation(schema, document, operation, variables as Record<string, unknown>);
  const minimal = minimalScopes(
    analysis.requirements.map((requirement) => requirement.anyOf),
    {
      grants: (scope) => engine.expandGrant(scope),
      held: permissions ? (scope) => permissions.has(scope) : undefined,
      order: engine.scopeNames,
    },
  );
  return {
    operationName: operation.name?.value ?? null,
    operationType: operation.operation,
    minimalScopes: minimal.scopes,
    missingScopes: minimal.scopes.filter((scope) => !permissions?.has(scope)),
    fields: analysis.byPath().map(({ path, anyOf, where }) => ({
      path,
      requiredScopes: anyOf.map((alternative) => [...alternative]),
      where,
    })),
    exact: minimal.exact,
  };
}

function parseAndValidate(schema: GraphQLSchema, query: string, suggestions: boolean): DocumentNode {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_ANALYSED_TOKENS });
  } catch (error) {
    if (error instanceof GraphQLError) throw invalidQuery([error], suggestions);
    throw error;
  }
  const errors = validate(schema, document, specifiedRules, { maxErrors: 10 });
  if (errors.length > 0) throw invalidQuery(errors, suggestions);
  return document;
}

/** BAD_USER_INPUT on `query`, each problem with its place; "Did you mean" is cut, as the server cuts it (README "Security"). */
function invalidQuery(errors: readonly GraphQLError[], suggestions: boolean) {
  const problems = errors.map((error) => ({
    message: suggestions ? error.message : error.message.replace(SUGGESTION, ''),
    locations: error.locations?.map(({ line, column }) => ({ line, column })) ?? [],
  }));
  return badInput(`query is not a valid operation of this schema: ${problems.map((p) => p.message).join(' ')}`, {
    field: 'query',
    problems,
  });
}

function pickOperation(document: DocumentNode, operationName: string | null): OperationDefinitionNode {
  const operation = getOperationAST(document, operationName);
  if (operation) return operation;
  const count = document.definitions.filter((definition) => definition.kind === 'OperationDefinition').length;
  if (operationName !== null) throw badInput(`query has no operation named "${operationName}"`, { field: 'operationName' });
  if (count === 0) throw badInput('query has no operation', { field: 'query' });
  throw badInput(`query has ${count} operations: name one with operationName`, { field: 'operationName' });
}
