/**
 * The `@requiresScope` schema transformer (contract §2): a pure `schema -> schema`
 * function. Requirements are read from the SDL and compiled once, at build time
 * (`directive-requirements.ts`); at run time a protected field costs one
 * `permissions.allows(requirement)` call, a memoized array read.
 */
import {
  defaultFieldResolver,
  defaultTypeResolver,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLUnionType,
  isInterfaceType,
  isObjectType,
  type GraphQLAbstractType,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { schemaDir } from '../paths';
import { AppError } from '../errors';
import { describeAlternatives, planScopeRequirements, type ScopePlan } from './directive-requirements';
import type { ScopeEngine } from './engine';
import type { EffectivePermissions } from './permissions';
import type { CompiledRequirement } from './types';

/**
 * The directive definitions, read from `schema/directives.graphql` so that the
 * SDL, code generation and test-only schemas share one text.
 */
export const scopeDirectiveTypeDefs = readFileSync(join(schemaDir, 'directives.graphql'), 'utf8');

/** Where the compiled requirement lives on field and type configs, for later analysis. */
export const SCOPE_REQUIREMENT_EXTENSION = 'scopeRequirement';

export interface ScopeDirectiveOptions {
  readonly engine: ScopeEngine;
  /** Defaults to `context.permissions`. `undefined` means "no key": every protected field is denied. */
  readonly permissionsOf?: (context: unknown) => EffectivePermissions | undefined;
}

type PermissionsOf = (context: unknown) => EffectivePermissions | undefined;

const contextPermissions: PermissionsOf = (context) =>
  typeof context === 'object' && context !== null
    ? (context as { permissions?: EffectivePermissions }).permissions
    : undefined;

/**
 * Returns a new schema in which every field with a requirement checks it before
 * its resolver runs, and every abstract type that can resolve to a type-protected
 * object checks that object's type-level requirement. Throws (so start-up fails)
 * on unknown or wildcard scopes, on a Mutation field with neither a requirement
 * nor `@public`, and on a field with both.
 *
 * Abstract types resolve with their own `resolveType` or, as graphql-js would,
 * `defaultTypeResolver` (`__typename` on the value, then `isTypeOf`).
 */
export function applyScopeDirectives(schema: GraphQLSchema, options: ScopeDirectiveOptions): GraphQLSchema {
  const permissionsOf = options.permissionsOf ?? contextPermissions;
  const plan = planScopeRequirements(schema, options.engine);

  return mapSchema(schema, {
    [MapperKind.OBJECT_TYPE]: (type) => withTypeRequirement(type, plan),
    [MapperKind.INTERFACE_TYPE]: (type) => gateAbstractType(withTypeRequirement(type, plan), schema, plan, permissionsOf),
    [MapperKind.UNION_TYPE]: (type) => gateAbstractType(type, schema, plan, permissionsOf),
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const requirement = plan.fields.get(`${typeName}.${fieldName}`);
      if (requirement === undefined) return config;
      return guardField(config, requirement, `${typeName}.${fieldName}`, permissionsOf);
    },
    // Interface fields never resolve (the object's field does), so they only
    // carry the requirement for analysis of selections made on the interface.
    [MapperKind.INTERFACE_FIELD]: (config, fieldName, typeName) => {
      const requirement = plan.fields.get(`${typeName}.${fieldName}`);
      return requirement === undefined ? config : withRequirement(config, requirement);
    },
  });
}

/** The compiled requirement of a field of a transformed schema, if it has one. */
export function requirementOf(schema: GraphQLSchema, typeName: string, fieldName: string): CompiledRequirement | undefined {
  const type = schema.getType(typeName);
  if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
  return readRequirement(type.getFields()[fieldName]?.extensions);
}

/**
 * The type-level requirement of an object (own AND inherited from its interfaces)
 * or interface of a transformed schema: what `... on Type { __typename }` needs.
 */
export function typeRequirementOf(schema: GraphQLSchema, typeName: string): CompiledRequirement | undefined {
  const type = schema.getType(typeName);
  if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
  return readRequirement(type.extensions);
}

/**
 * The SCOPE_REQUIRED error of contract §3. `requiredScopes` is the whole
 * requirement in `anyOf` form; `missingScopes` is what the key lacks for the
 * alternative it is closest to (or the first alternative when there is no key),
 * so a person can fix the key by adding exactly that. graphql-js adds the path.
 */
export function scopeRequiredError(
  requirement: CompiledRequirement,
  permissions: EffectivePermissions | undefined,
  where: string,
): AppError {
  const missingScopes = permissions !== undefined ? [...permissions.missing(requirement)] : [...(requirement.anyOf[0] ?? [])];
  // With one alternative the message names what to add (scopes the key already
  // holds are noise); with several it lists every way to be allowed.
  const described =
    requirement.anyOf.length === 1 && missingScopes.length > 0 ? [missingScopes] : requirement.anyOf;
  return new AppError('SCOPE_REQUIRED', `${where} requires ${describeAlternatives(described)}`, {
    requiredScopes: requirement.anyOf.map((alternative) => [...alternative]),
    missingScopes,
  });
}

/**
 * Synchronous on purpose: no async wrapper and no promise per field, so a
 * protected scalar on every row of a list costs what an unprotected one does.
 * The check comes first, so a denied resolver never runs (no side effect, §2), and
 * a missing `permissions` fails closed.
 */
function guardField(
  config: GraphQLFieldConfig<unknown, unknown>,
  requirement: CompiledRequirement,
  where: string,
  permissionsOf: PermissionsOf,
): GraphQLFieldConfig<unknown, unknown> {
  const guard =
    (inner: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> =>
    (source, args, context, info) => {
      const permissions = permissionsOf(context);
      if (permissions !== undefined && permissions.allows(requirement)) return inner(source, args, context, info);
      throw scopeRequiredError(requirement, permissions, where);
    };

  return {
    ...withRequirement(config, requirement),
    resolve: guard(config.resolve ?? defaultFieldResolver),
    // A subscription's event stream is as protected as its payload.
    ...(config.subscribe !== undefined ? { subscribe: guard(config.subscribe) } : {}),
  };
}

function withRequirement<C extends { extensions?: unknown }>(config: C, requirement: CompiledRequirement): C {
  const extensions = (config.extensions ?? {}) as Record<string, unknown>;
  return { ...config, extensions: { ...extensions, [SCOPE_REQUIREMENT_EXTENSION]: requirement } };
}

function withTypeRequirement<T extends GraphQLObjectType | GraphQLInterfaceType>(type: T, plan: ScopePlan): T {
  const requirement = plan.types.get(type.name);
  if (requirement === undefined) return type;
  const config = withRequirement(type.toConfig(), requirement);
  return (isObjectType(type) ? new GraphQLObjectType(config as never) : new GraphQLInterfaceType(config as never)) as T;
}

/**
 * Contract §2: a type-level requirement "still applies when the object is reached
 * through an interface, a union or node(id:)". Field guards alone would still let
 * `node(id:) { __typename }` (or `... on Customer { id }` where `id` is public)
 * confirm that a customer exists, so the abstract type refuses to resolve to a
 * denied object: the abstract field becomes null with SCOPE_REQUIRED at its path.
 * Abstract types that cannot reach a protected object are left untouched.
 */
function gateAbstractType<T extends GraphQLInterfaceType | GraphQLUnionType>(
  type: T,
  schema: GraphQLSchema,
  plan: ScopePlan,
  permissionsOf: PermissionsOf,
): T {
  const original = schema.getType(type.name) as GraphQLAbstractType;
  if (!schema.getPossibleTypes(original).some((object) => plan.types.has(object.name))) return type;

  const resolveType = type.resolveType ?? defaultTypeResolver;
  const check = (typeName: string | undefined, context: unknown): string | undefined => {
    // Anything but a name is left for graphql-js to report as it normally would.
    if (typeof typeName !== 'string') return typeName;
    const requirement = plan.types.get(typeName);
    if (requirement === undefined) return typeName;
    const permissions = permissionsOf(context);
    if (permissions !== undefined && permissions.allows(requirement)) return typeName;
    throw scopeRequiredError(requirement, permissions, typeName);
  };
  const gated: GraphQLTypeResolver<unknown, unknown> = (value, context, info, abstractType) => {
    const resolved = resolveType(value, context, info, abstractType);
    // Chain only when the resolver itself is asynchronous.
    return isPromise(resolved) ? resolved.then((name) => check(name, context)) : check(resolved, context);
  };

  const config = { ...type.toConfig(), resolveType: gated };
  return (isInterfaceType(type) ? new GraphQLInterfaceType(config as never) : new GraphQLUnionType(config as never)) as T;
}

function readRequirement(extensions: unknown): CompiledRequirement | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  return (extensions as Record<string, unknown>)[SCOPE_REQUIREMENT_EXTENSION] as CompiledRequirement | undefined;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
