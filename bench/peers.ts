/**
 * The peers, enforcing exactly ScopeQL's requirements on the same schema and
 * rows. Requirements are not written again: every peer reads the plan that
 * ScopeQL's transformer compiles from the SDL (`planScopeRequirements`: the
 * field's own directive AND its type's AND its interfaces'), in `anyOf` form.
 *
 * - graphql-shield (with graphql-middleware): one cached rule per scope,
 *   combined with `and`/`or`, on every protected field.
 * - @envelop/generic-auth: `@requiresScopes` on every protected field, checked
 *   once per operation against the document before execution (Yoga's model).
 * - the naive directive of the @graphql-tools documentation ("Enforcing access
 *   permissions"): every protected field wrapped, the key's scope patterns
 *   matched against the requirement at call time.
 */
import { envelop, useEngine, useSchema } from '@envelop/core';
import { useGenericAuth } from '@envelop/generic-auth';
import { mapSchema, MapperKind } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  execute,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { and, or, rule, shield } from 'graphql-shield';
import type { AuthenticatedKey } from '../src/auth/authenticator';
import type { GraphQLContext } from '../src/graphql/context';
import { planScopeRequirements } from '../src/scopes/directive-requirements';
import type { ScopeAlternatives } from '../src/scopes/types';
import type { Fixture, KeyName } from './fixture';
import type { Runner } from './variants';

/** `Type.field` -> requirement in `anyOf` form, from ScopeQL's own reading of the SDL. */
export function requirementsOf(fixture: Fixture): Map<string, ScopeAlternatives> {
  const plan = planScopeRequirements(fixture.plainSchema, fixture.engine);
  return new Map([...plan.fields].map(([where, requirement]) => [where, requirement.anyOf]));
}

// ---------------------------------------------------------------- graphql-shield

export function shieldSchema(fixture: Fixture): GraphQLSchema {
  const scopeRules = new Map<string, ReturnType<ReturnType<typeof rule>>>();
  // One rule per scope, cached per request ('contextual'), as shield's docs recommend for role checks.
  const hasScope = (scope: string) => {
    let found = scopeRules.get(scope);
    if (!found) {
      found = rule(`has:${scope}`, { cache: 'contextual' })((_parent, _args, ctx: GraphQLContext) => ctx.permissions.has(scope));
      scopeRules.set(scope, found);
    }
    return found;
  };
  const tree: Record<string, Record<string, unknown>> = {};
  for (const [where, anyOf] of requirementsOf(fixture)) {
    const [type, field] = where.split('.') as [string, string];
    const alternatives = anyOf.map((alternative) => (alternative.length === 1 ? hasScope(alternative[0]!) : and(...alternative.map(hasScope))));
    (tree[type] ??= {})[field] = alternatives.length === 1 ? alternatives[0] : or(...alternatives);
  }
  return applyMiddleware(fixture.plainSchema, shield(tree as never, { allowExternalErrors: true }));
}

export function shieldRunner(fixture: Fixture, key: KeyName, schema: GraphQLSchema = shieldSchema(fixture)): Runner {
  return async (operation) =>
    execute({ schema, document: operation.document, variableValues: operation.variables, contextValue: fixture.context(key) });
}

// ---------------------------------------------------------------- @envelop/generic-auth

/** The plain schema with `@requiresScopes(scopes: anyOf)` on every protected field (as directive extensions). */
export function envelopSchema(fixture: Fixture): GraphQLSchema {
  const requirements = requirementsOf(fixture);
  return mapSchema(fixture.plainSchema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const anyOf = requirements.get(`${typeName}.${fieldName}`);
      if (!anyOf) return config;
      const extensions = (config.extensions ?? {}) as Record<string, unknown>;
      const directives = (extensions['directives'] ?? {}) as Record<string, unknown>;
      return {
        ...config,
        extensions: { ...extensions, directives: { ...directives, requiresScopes: [{ scopes: anyOf.map((a) => [...a]) }] } },
      };
    },
  });
}

const scopeLists = new WeakMap<AuthenticatedKey, string[]>();

export function envelopRunner(fixture: Fixture, key: KeyName, schema: GraphQLSchema = envelopSchema(fixture)): Runner {
  const getEnveloped = envelop({
    plugins: [
      // graphql-js as the engine. Standard validation is not run by any variant
      // (a server caches it per document); generic-auth's check is not a
      // validation rule but runs in onExecute, so it is measured in full.
      useEngine({ parse, validate, execute, subscribe, specifiedRules }),
      useSchema(schema),
      useGenericAuth({
        mode: 'protect-granular',
        resolveUserFn: (context: GraphQLContext) => context.auth,
        // The key's effective scopes as a list, computed once per key like ScopeQL's permissions.
        extractScopes: (user: AuthenticatedKey) => {
          let list = scopeLists.get(user);
          if (!list) scopeLists.set(user, (list = user.permissions.list()));
          return list;
        },
        // Partial results, as ScopeQL gives for queries: denied fields are null with an error.
        rejectUnauthenticated: false,
      }),
    ],
  });
  return async (operation) => {
    const { contextFactory, execute: run, schema: enveloped } = getEnveloped();
    const contextValue = await contextFactory(fixture.context(key));
    return (await run({
      schema: enveloped,
      document: operation.document,
      variableValues: operation.variables,
      contextValue,
    })) as ExecutionResult;
  };
}

// ---------------------------------------------------------------- naive directive

/**
 * The @graphql-tools documentation's `authDirective`, with scopes for roles: the
 * requirement is attached to the resolver at build time, and on every call the
 * key is looked at afresh and its scope patterns matched against each required
 * scope (wildcards, `write` implying the other actions, `admin`).
 */
export function naiveSchema(fixture: Fixture): GraphQLSchema {
  const requirements = requirementsOf(fixture);
  return mapSchema(fixture.plainSchema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName, typeName) => {
      const requires = requirements.get(`${typeName}.${fieldName}`);
      if (!requires) return fieldConfig;
      const { resolve = defaultFieldResolver } = fieldConfig;
      const guarded: GraphQLFieldResolver<unknown, GraphQLContext> = function (source, args, context, info) {
        const user = getUser(context);
        if (!requires.some((alternative) => alternative.every((scope) => user.hasScope(scope)))) {
          throw new Error(`not authorized: ${typeName}.${fieldName}`);
        }
        return resolve(source, args, context, info);
      };
      return { ...fieldConfig, resolve: guarded as GraphQLFieldResolver<unknown, unknown> };
    },
  });
}

export function naiveRunner(fixture: Fixture, key: KeyName, schema: GraphQLSchema = naiveSchema(fixture)): Runner {
  return async (operation) =>
    execute({ schema, document: operation.document, variableValues: operation.variables, contextValue: fixture.context(key) });
}

function getUser(context: GraphQLContext) {
  const patterns = context.auth.key.scopes;
  return { hasScope: (scope: string) => patterns.some((pattern) => grants(pattern, scope)) };
}

function grants(pattern: string, scope: string): boolean {
  if (pattern === 'admin' || pattern === scope) return true;
  const [resource, action] = [scope.slice(0, scope.lastIndexOf(':')), scope.slice(scope.lastIndexOf(':') + 1)];
  const [patternResource, patternAction] = [pattern.slice(0, pattern.lastIndexOf(':')), pattern.slice(pattern.lastIndexOf(':') + 1)];
  if (patternAction === '*') return resource === patternResource || resource.startsWith(`${patternResource}.`);
  return patternAction === 'write' && resource === patternResource && ['read', 'create', 'update', 'delete'].includes(action);
}
