import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { filterSchema, pruneSchema } from '@graphql-tools/utils';
import {
  execute,
  GraphQLError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { requirementOf, typeRequirementOf } from '../../scopes/directive';
import { rootFields } from '../../http/root-fields';
import type { GraphQLContext } from '../context';
import type { EffectivePermissions } from '../../scopes/permissions';
import type { CompiledRequirement } from '../../scopes/types';

/**
 * `INTROSPECTION` (README "Security"). Unauthenticated introspection never gets
 * this far: the context refuses the request with 401 first.
 * - `on`: an authenticated key sees the whole schema;
 * - `scoped` (default): a key sees only the fields and types its scopes can use;
 * - `off`: `__schema` and `__type` are refused before execution.
 */
export type IntrospectionMode = 'on' | 'scoped' | 'off';

/** Error code of a refused introspection query: a request the server will not run, as the contract's 400 BAD_USER_INPUT. */
export const INTROSPECTION_REFUSED_CODE = 'BAD_USER_INPUT';

class IntrospectionRefusedError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: INTROSPECTION_REFUSED_CODE, reason: 'INTROSPECTION_DISABLED', http: { status: 400 } } });
  }
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** Refuses `__schema` and `__type` anywhere in the document (`__typename` stays allowed). */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (INTROSPECTION_FIELDS.has(node.name.value)) {
      context.reportError(new IntrospectionRefusedError(`Introspection is disabled on this server (INTROSPECTION=off); "${node.name.value}" cannot be queried`));
    }
  },
});

export interface IntrospectionProtection {
  readonly plugins: ApolloServerPlugin<GraphQLContext>[];
  readonly validationRules: ValidationRule[];
}

export function introspectionProtection(mode: IntrospectionMode): IntrospectionProtection {
  if (mode === 'off') return { plugins: [refusedCodePlugin()], validationRules: [noIntrospectionRule] };
  if (mode === 'scoped') return { plugins: [refusedCodePlugin(), scopedIntrospectionPlugin()], validationRules: [] };
  return { plugins: [], validationRules: [] };
}

/** Apollo wraps validation errors as GRAPHQL_VALIDATION_FAILED; restore our code (the original is kept as `originalError`). */
function refusedCodePlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (error.originalError instanceof IntrospectionRefusedError) {
              (error.extensions as Record<string, unknown>).code = INTROSPECTION_REFUSED_CODE;
            }
          }
        },
      };
    },
  };
}

/**
 * Runs an introspection operation against the schema as the key's permissions
 * see it (as Hasura does per role). Introspection mixed with data fields at the
 * root is refused: the data fields must run against the full schema so that a
 * denied field still answers SCOPE_REQUIRED.
 */
function scopedIntrospectionPlugin(): ApolloServerPlugin<GraphQLContext> {
  const cache = new ScopedSchemaCache();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          if (!operation) return;
          const roots = rootFields(document, operation);
          if (![...roots.names].some((name) => INTROSPECTION_FIELDS.has(name))) return;
          if (roots.dataFieldNames.size > 0) {
            throw new IntrospectionRefusedError('With INTROSPECTION=scoped, __schema and __type cannot be combined with other root fields; send them in their own operation');
          }
        },
        async responseForOperation({ schema, document, operation, request, contextValue }) {
          // Apollo calls this hook even when operationName names no operation of the document (its
          // types say otherwise); it then answers 400 OPERATION_RESOLUTION_FAILURE itself.
          if (!operation) return null;
          if (![...rootFields(document, operation).names].some((name) => INTROSPECTION_FIELDS.has(name))) return null;
          const result = await execute({
            schema: cache.get(schema, contextValue.permissions),
            document,
            operationName: operation.name?.value ?? request.operationName,
            variableValues: request.variables,
            contextValue,
          });
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: {
              kind: 'single',
              singleResult: { data: result.data, ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}) },
            },
          };
        },
      };
    },
  };
}

const CACHE_MAX = 256;

/** Filtered schemas per base schema and sorted scope list; a few hundred distinct scope sets at most in practice. */
export class ScopedSchemaCache {
  private readonly bySchema = new WeakMap<GraphQLSchema, Map<string, GraphQLSchema>>();

  get(schema: GraphQLSchema, permissions: EffectivePermissions): GraphQLSchema {
    let entries = this.bySchema.get(schema);
    if (!entries) this.bySchema.set(schema, (entries = new Map()));
    const key = [...permissions.list()].sort().join(' ');
    let scoped = entries.get(key);
    if (!scoped) {
      scoped = scopedSchema(schema, permissions);
      if (entries.size >= CACHE_MAX) entries.delete(entries.keys().next().value as string);
      entries.set(key, scoped);
    }
    return scoped;
  }
}

/**
 * The schema as a key sees it: every field whose compiled requirement the key's
 * permissions do not allow is removed, every type whose type-level requirement
 * they do not allow is removed, and then every type left empty or unreachable.
 * Resolvers are kept (introspection resolves from the schema itself).
 */
export function scopedSchema(schema: GraphQLSchema, permissions: EffectivePermissions): GraphQLSchema {
  const allowed = (requirement: CompiledRequirement | undefined) => requirement === undefined || permissions.allows(requirement);
  const fieldAllowed = (typeName: string, fieldName: string) => allowed(requirementOf(schema, typeName, fieldName));
  const roots = { Query: schema.getQueryType(), Mutation: schema.getMutationType(), Subscription: schema.getSubscriptionType() };
  const rootName = (operation: 'Query' | 'Mutation' | 'Subscription') => roots[operation]?.name ?? operation;
  const filtered = filterSchema({
    schema,
    typeFilter: (typeName) => allowed(typeRequirementOf(schema, typeName)),
    rootFieldFilter: (operation, fieldName) => fieldAllowed(rootName(operation), fieldName),
    objectFieldFilter: fieldAllowed,
    interfaceFieldFilter: fieldAllowed,
  });
  return pruneSchema(filtered);
}
