/**
 * The `@requiresScope` schema transformer (contract §2): a pure `schema -> schema`
 * function. Requirements are read from the SDL and compiled once, at build time
 * (`directive-requirements.ts`); at run time a check is one
 * `permissions.allows(requirement)` call, a memoized array read.
 *
 * Most protected fields are plain columns of a type-protected object
 * (`Booking.reference` needs exactly what `Booking` needs), and a list of a
 * thousand bookings would check each of them on each row. For those the check
 * is hoisted to where the object comes from: see `hoistedChecks`.
 */
import {
  defaultTypeResolver,
  getNamedType,
  GraphQLError,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLUnionType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLAbstractType,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { pathToArray } from 'graphql/jsutils/Path';
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
  // Undefined means `context.permissions`, which the field guards read inline.
  const permissionsOf = options.permissionsOf;
  const plan = planScopeRequirements(schema, options.engine);
  const hoisted = hoistedChecks(schema, plan);

  return mapSchema(schema, {
    [MapperKind.OBJECT_TYPE]: (type) => withTypeRequirement(type, plan),
    [MapperKind.INTERFACE_TYPE]: (type) => gateAbstractType(withTypeRequirement(type, plan), schema, plan, permissionsOf),
    [MapperKind.UNION_TYPE]: (type) => gateAbstractType(type, schema, plan, permissionsOf),
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const where = `${typeName}.${fieldName}`;
      const requirement = plan.fields.get(where);
      // Checked once, where the object comes from (`origin` below): no resolver of its own.
      if (requirement !== undefined && hoisted.get(typeName)?.fields.has(fieldName)) return withRequirement(config, requirement);
      const origin = originOf(config.type, requirement, hoisted);
      if (requirement === undefined && origin === undefined) return config;
      return guardField(config, requirement, origin, where, permissionsOf);
    },
    // Interface fields never resolve (the object's field does), so they only
    // carry the requirement for analysis of selections made on the interface.
    [MapperKind.INTERFACE_FIELD]: (config, fieldName, typeName) => {
      const requirement = plan.fields.get(`${typeName}.${fieldName}`);
      return requirement === undefined ? config : withRequirement(config, requirement);
    },
  });
}

/**
 * An object type whose plain fields are checked where its objects come from.
 * `fields` are the fields whose requirement is exactly the type's own (`gate`),
 * which use the default resolver: a property read.
 */
interface HoistedType {
  readonly name: string;
  readonly gate: CompiledRequirement;
  readonly fields: ReadonlySet<string>;
}

/**
 * Where checks can move without changing a single answer. Take `Booking`
 * (`@requiresScope(scopes: ["bookings:read"])`): every one of its fields needs
 * `bookings:read`, most need nothing more, and those just read a property. So
 * instead of checking `reference`, `startsAt`, `status`, ... on every row, the
 * field a booking comes from (`BookingEdge.node`, `CreateBookingPayload.booking`,
 * ...) checks `bookings:read` once per value. Allowed (the usual case): the
 * booking goes on unchanged and its plain fields run with no wrapper at all.
 * Denied: the booking goes on behind a proxy whose plain properties throw the
 * field's SCOPE_REQUIRED, so each field still fails at its own path with the
 * same error, and its resolver (a property read) still never returns data.
 *
 * A type qualifies only where that is exact:
 * - every field of it requires at least the gate (so when the gate is denied no
 *   resolver of the type can succeed, and none reads through the proxy);
 * - it is not a root type (a root value comes from no field) and has no
 *   `isTypeOf` (which would read the proxy before any field);
 * - objects reached through an interface or union are refused whole by the
 *   abstract type's gate (`gateAbstractType`) when the gate is denied.
 * A field named `then` is never hoisted (graphql-js reads `then` to tell promises).
 */
function hoistedChecks(schema: GraphQLSchema, plan: ScopePlan): Map<string, HoistedType> {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((t) => t?.name));
  const out = new Map<string, HoistedType>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || roots.has(type.name) || type.isTypeOf) continue;
    const gate = plan.types.get(type.name);
    if (gate === undefined) continue;
    const fields = Object.values(type.getFields());
    if (!fields.every((field) => implies(plan.fields.get(`${type.name}.${field.name}`), gate))) continue;
    const plain = fields.filter(
      (field) =>
        plan.fields.get(`${type.name}.${field.name}`) === gate && field.resolve === undefined && field.subscribe === undefined && field.name !== 'then',
    );
    if (plain.length > 0) out.set(type.name, { name: type.name, gate, fields: new Set(plain.map((field) => field.name)) });
  }
  return out;
}

/** Holding everything `left` asks for (any alternative) means holding `right`: each alternative of left contains one of right. */
function implies(left: CompiledRequirement | undefined, right: CompiledRequirement): boolean {
  if (left === undefined) return false;
  return left.anyOf.every((alternative) => right.anyOf.some((needed) => needed.every((scope) => alternative.includes(scope))));
}

/** Where a field returns objects of a hoisted type: what to check on its value, and how deep in lists the objects are. */
interface Origin {
  readonly type: HoistedType;
  readonly listDepth: number;
}

function originOf(
  fieldType: GraphQLOutputType,
  requirement: CompiledRequirement | undefined,
  hoisted: ReadonlyMap<string, HoistedType>,
): Origin | undefined {
  const type = hoisted.get(getNamedType(fieldType).name);
  // A field that itself needs the gate (`Booking.customer` needs customers:read) has checked it already.
  if (type === undefined || implies(requirement, type.gate)) return undefined;
  let listDepth = 0;
  for (let t: GraphQLOutputType = fieldType; isListType(t) || isNonNullType(t); t = t.ofType) if (isListType(t)) listDepth++;
  return { type, listDepth };
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
 *
 * A refusal is an expected outcome, not a fault, so the error carries no stack
 * trace: capturing one (and graphql-js formatting it for its own error) cost
 * more than the rest of a denied field put together.
 */
export function scopeRequiredError(
  requirement: CompiledRequirement,
  permissions: EffectivePermissions | undefined,
  where: string,
): AppError {
  return refusal(requirement, permissions, where).original;
}

/** What a refusal of one requirement, at one place, to one key says: computed once, then an error per denied row. */
interface Refusal {
  readonly permissions: EffectivePermissions | undefined;
  /** One AppError for every row the refusal applies to (the original error of their GraphQLErrors). */
  readonly original: AppError;
  /** A new AppError, for a caller that hands it on. */
  error(): AppError;
}

function refusal(requirement: CompiledRequirement, permissions: EffectivePermissions | undefined, where: string): Refusal {
  const missingScopes = permissions !== undefined ? [...permissions.missing(requirement)] : [...(requirement.anyOf[0] ?? [])];
  // With one alternative the message names what to add (scopes the key already
  // holds are noise); with several it lists every way to be allowed.
  const described =
    requirement.anyOf.length === 1 && missingScopes.length > 0 ? [missingScopes] : requirement.anyOf;
  const message = `${where} requires ${describeAlternatives(described)}`;
  const error = () =>
    new AppError('SCOPE_REQUIRED', message, {
      requiredScopes: requirement.anyOf.map((alternative) => [...alternative]),
      missingScopes: [...missingScopes],
    });
  return { permissions, original: withoutStack(error), error };
}

function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Synchronous on purpose: no async wrapper and no promise per field, so a
 * protected field on every row of a list costs what an unprotected one does.
 * The check comes first, so a denied resolver never runs (no side effect, §2), and
 * a missing `permissions` fails closed.
 *
 * This runs for every protected field of every row, so it is kept to the bone:
 * `permissions.allows` is one array read after a key's first request; a field
 * using graphql-js's default resolver reads the property itself rather than
 * calling through; and a denied field throws the GraphQLError graphql-js would
 * have built (same message, path, locations, extensions and code), made without
 * a stack trace, from a refusal (text, scope lists, original AppError) made
 * once per key rather than once per row.
 *
 * `origin`: the field returns objects of a hoisted type; when the key lacks that
 * type's gate, its value goes on behind refusing proxies (see `hoistedChecks`).
 */
function guardField(
  config: GraphQLFieldConfig<unknown, unknown>,
  requirement: CompiledRequirement | undefined,
  origin: Origin | undefined,
  where: string,
  permissionsOf: PermissionsOf | undefined,
): GraphQLFieldConfig<unknown, unknown> {
  const permissionsIn: PermissionsOf = permissionsOf ?? contextPermissions;
  // One entry: a request, and usually a whole list, is one key.
  let last: Refusal | undefined;
  const deny = (permissions: EffectivePermissions | undefined, info: GraphQLResolveInfo): GraphQLError => {
    if (last === undefined || last.permissions !== permissions) last = refusal(requirement!, permissions, where);
    const { original } = last;
    // What graphql-js's locatedError would build, minus the stack trace; each error gets
    // its own extensions object (the scope lists in it are shared, never changed).
    return withoutStack(
      () =>
        new GraphQLError(original.message, {
          nodes: info.fieldNodes,
          path: pathToArray(info.path),
          originalError: original,
          extensions: { ...original.extensions },
        }),
    );
  };
  const refuse = origin === undefined ? undefined : refuser(origin);

  const guard = (inner: GraphQLFieldResolver<unknown, unknown> | undefined, checkOrigin: boolean): GraphQLFieldResolver<unknown, unknown> => {
    const resolve = inner ?? defaultResolve;
    if (refuse === undefined || !checkOrigin) {
      if (permissionsOf === undefined && inner === undefined) {
        // graphql-js's defaultFieldResolver inlined.
        return (source, args, context, info) => {
          const permissions = (context as { permissions?: EffectivePermissions } | null | undefined)?.permissions;
          if (permissions === undefined || !permissions.allows(requirement!)) throw deny(permissions, info);
          return defaultResolve(source, args, context, info);
        };
      }
      if (permissionsOf === undefined) {
        // A resolver of the schema's own (`Booking.id`, `Booking.customer`): the common case.
        return (source, args, context, info) => {
          const permissions = (context as { permissions?: EffectivePermissions } | null | undefined)?.permissions;
          if (permissions === undefined || !permissions.allows(requirement!)) throw deny(permissions, info);
          return inner!(source, args, context, info);
        };
      }
      return (source, args, context, info) => {
        const permissions = permissionsIn(context);
        if (permissions !== undefined && permissions.allows(requirement!)) return resolve(source, args, context, info);
        throw deny(permissions, info);
      };
    }
    const gate = origin!.type.gate;
    if (requirement === undefined && inner === undefined && permissionsOf === undefined) {
      // An edge's `node`, a payload's object: a property read, then one check per value.
      return (source, args, context, info) => {
        const value =
          (typeof source === 'object' && source !== null) || typeof source === 'function' ? readProperty(source, args, context, info) : undefined;
        const permissions = (context as { permissions?: EffectivePermissions } | null | undefined)?.permissions;
        return permissions !== undefined && permissions.allows(gate) ? value : refuse(value, permissions);
      };
    }
    if (requirement === undefined) {
      return (source, args, context, info) => {
        const value = resolve(source, args, context, info);
        const permissions = permissionsIn(context);
        return permissions !== undefined && permissions.allows(gate) ? value : refuse(value, permissions);
      };
    }
    return (source, args, context, info) => {
      const permissions = permissionsIn(context);
      if (permissions === undefined || !permissions.allows(requirement)) throw deny(permissions, info);
      const value = resolve(source, args, context, info);
      return permissions.allows(gate) ? value : refuse(value, permissions);
    };
  };

  return {
    ...(requirement !== undefined ? withRequirement(config, requirement) : config),
    resolve: guard(config.resolve, true),
    // A subscription's event stream is as protected as its payload (its events are checked as they resolve).
    ...(config.subscribe !== undefined && requirement !== undefined ? { subscribe: guard(config.subscribe, false) } : {}),
  };
}

/** graphql-js's `defaultFieldResolver`, as a plain function this module's guards call directly. */
function defaultResolve(source: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo): unknown {
  return (typeof source === 'object' && source !== null) || typeof source === 'function' ? readProperty(source, args, context, info) : undefined;
}

function readProperty(source: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo): unknown {
  const property = (source as Record<string, unknown>)[info.fieldName];
  return typeof property === 'function' ? (source as Record<string, (...a: unknown[]) => unknown>)[info.fieldName]!(args, context, info) : property;
}

/**
 * For a key without the gate: the field's value with every object of the
 * hoisted type behind a proxy whose plain fields throw that field's
 * SCOPE_REQUIRED (graphql-js adds path and locations, as for any resolver
 * error). Lists and promises are followed as graphql-js follows them; a
 * primitive is boxed, so its fields fail too rather than read as null.
 */
function refuser(origin: Origin): (value: unknown, permissions: EffectivePermissions | undefined) => unknown {
  const { type } = origin;
  let last: { permissions: EffectivePermissions | undefined; handler: ProxyHandler<object> } | undefined;
  const handlerFor = (permissions: EffectivePermissions | undefined): ProxyHandler<object> => {
    if (last !== undefined && last.permissions === permissions) return last.handler;
    const refusals = new Map<string, Refusal>();
    const handler: ProxyHandler<object> = {
      get(target, property) {
        if (typeof property === 'string' && type.fields.has(property)) {
          let reason = refusals.get(property);
          if (reason === undefined) refusals.set(property, (reason = refusal(type.gate, permissions, `${type.name}.${property}`)));
          throw withoutStack(() => reason.error());
        }
        return Reflect.get(target, property);
      },
    };
    last = { permissions, handler };
    return handler;
  };
  const wrap = (value: unknown, depth: number, handler: ProxyHandler<object>): unknown => {
    if (value === null || value === undefined) return value;
    if (isPromise(value)) return value.then((resolved) => wrap(resolved, depth, handler));
    if (depth > 0) {
      // graphql-js reports a non-iterable itself.
      if (typeof value !== 'object' || !(Symbol.iterator in value)) return value;
      return Array.from(value as Iterable<unknown>, (item) => wrap(item, depth - 1, handler));
    }
    return new Proxy(typeof value === 'object' || typeof value === 'function' ? value : Object(value), handler);
  };
  return (value, permissions) => wrap(value, origin.listDepth, handlerFor(permissions));
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
  permissionsOf: PermissionsOf | undefined,
): T {
  const original = schema.getType(type.name) as GraphQLAbstractType;
  if (!schema.getPossibleTypes(original).some((object) => plan.types.has(object.name))) return type;

  const resolveType = type.resolveType ?? defaultTypeResolver;
  const check = (typeName: string | undefined, context: unknown): string | undefined => {
    // Anything but a name is left for graphql-js to report as it normally would.
    if (typeof typeName !== 'string') return typeName;
    const requirement = plan.types.get(typeName);
    if (requirement === undefined) return typeName;
    const permissions = permissionsOf !== undefined ? permissionsOf(context) : contextPermissions(context);
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

function contextPermissions(context: unknown): EffectivePermissions | undefined {
  return typeof context === 'object' && context !== null ? (context as { permissions?: EffectivePermissions }).permissions : undefined;
}

function readRequirement(extensions: unknown): CompiledRequirement | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  return (extensions as Record<string, unknown>)[SCOPE_REQUIREMENT_EXTENSION] as CompiledRequirement | undefined;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
