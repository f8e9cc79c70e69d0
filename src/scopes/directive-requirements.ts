/**
 * Build-time half of the `@requiresScope` transformer: reads the directives of a
 * schema once, combines them into one requirement per field and per object type,
 * compiles each through the engine, and refuses schemas that would ship a hole
 * (contract §2). Nothing here runs during a request.
 */
import {
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import type { ScopeEngine } from './engine';
import type { CompiledRequirement } from './types';

export const REQUIRES_SCOPE = 'requiresScope';
export const PUBLIC = 'public';

/** Mutable DNF used while combining; frozen into a CompiledRequirement by the engine. */
type Alternatives = string[][];

export interface ScopePlan {
  /** Keyed `Type.field`, for object and interface fields that have a requirement. */
  readonly fields: ReadonlyMap<string, CompiledRequirement>;
  /**
   * Keyed by type name: the type-level requirement of an object (its own directive
   * AND those of every interface it implements) or of an interface. It gates an
   * object reached through an abstract type (contract §2: a type-level directive
   * "still applies when the object is reached through an interface, a union or
   * node(id:)").
   */
  readonly types: ReadonlyMap<string, CompiledRequirement>;
}

type Composite = GraphQLObjectType | GraphQLInterfaceType;
type Directable = GraphQLNamedType | GraphQLField<unknown, unknown>;

export function planScopeRequirements(schema: GraphQLSchema, engine: ScopeEngine): ScopePlan {
  const fields = new Map<string, CompiledRequirement>();
  const types = new Map<string, CompiledRequirement>();
  // Identical requirements share one compiled requirement, hence one slot in each
  // key's decision memo: `Booking.customer` and `Customer.*` cost one check, not many.
  const compiled = new Map<string, CompiledRequirement>();
  const compile = (alternatives: Alternatives, where: string): CompiledRequirement => {
    const cacheKey = JSON.stringify(alternatives);
    let requirement = compiled.get(cacheKey);
    if (requirement === undefined) {
      requirement = engine.compile(alternatives, where);
      compiled.set(cacheKey, requirement);
    }
    return requirement;
  };

  const ownTypeLevel = new Map<string, Alternatives | undefined>();
  const typeLevel = (type: Composite): Alternatives | undefined => {
    if (!ownTypeLevel.has(type.name)) ownTypeLevel.set(type.name, directiveAlternatives(schema, type, type.name));
    return ownTypeLevel.get(type.name);
  };

  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    // The type first, so an unknown scope in a type-level directive is reported
    // against the type rather than against whichever of its fields came first.
    const gate = type.getInterfaces().reduce((acc, iface) => and(acc, typeLevel(iface)), typeLevel(type));
    if (gate !== undefined) types.set(type.name, compile(gate, type.name));

    for (const field of Object.values(type.getFields())) {
      const where = `${type.name}.${field.name}`;
      const alternatives = fieldAlternatives(schema, type, field, typeLevel);
      const isPublic = (getDirective(schema, field, PUBLIC)?.length ?? 0) > 0;
      if (isPublic && alternatives !== undefined) {
        throw new Error(
          `${where} is marked @public but also requires ${describeAlternatives(alternatives)} ` +
            '(from @requiresScope on the field, its type or an interface); remove one of them.',
        );
      }
      if (alternatives !== undefined) fields.set(where, compile(alternatives, where));
    }
  }

  assertMutationsDeclared(schema, fields);
  return { fields, types };
}

/**
 * Field requirement = its type's directive AND its own directive AND, for every
 * interface that declares the same field, that interface's type-level and
 * field-level directives. An interface's type-level directive covers only the
 * fields it declares, as it would on the interface itself (contract §2).
 */
function fieldAlternatives(
  schema: GraphQLSchema,
  type: Composite,
  field: GraphQLField<unknown, unknown>,
  typeLevel: (type: Composite) => Alternatives | undefined,
): Alternatives | undefined {
  let alternatives = and(typeLevel(type), directiveAlternatives(schema, field, `${type.name}.${field.name}`));
  for (const iface of type.getInterfaces()) {
    const declared = iface.getFields()[field.name];
    if (declared === undefined) continue;
    alternatives = and(alternatives, typeLevel(iface));
    alternatives = and(alternatives, directiveAlternatives(schema, declared, `${iface.name}.${field.name}`));
  }
  return alternatives;
}

/**
 * Contract §2: "the schema build fails if a root field of Mutation has no
 * requirement and is not explicitly marked public, so a new mutation cannot ship
 * unprotected by accident". `@public` with a requirement was rejected already.
 */
function assertMutationsDeclared(schema: GraphQLSchema, fields: ReadonlyMap<string, CompiledRequirement>): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const field of Object.values(mutation.getFields())) {
    const where = `${mutation.name}.${field.name}`;
    if (fields.has(where) || (getDirective(schema, field, PUBLIC)?.length ?? 0) > 0) continue;
    throw new Error(
      `${where} has no @requiresScope and is not marked @public: every mutation must declare ` +
        'the scopes it needs (or be explicitly @public) so that none ships unprotected (contract §2).',
    );
  }
}

/**
 * One `@requiresScope` use as DNF: `scopes: [a, b]` is `[[a, b]]`, `anyOf` is
 * taken as given, and both on one directive must hold (AND). Empty lists are
 * refused: `scopes: []` would look protected while admitting every key.
 */
function directiveAlternatives(schema: GraphQLSchema, node: Directable, where: string): Alternatives | undefined {
  const uses = getDirective(schema, node, REQUIRES_SCOPE);
  if (uses === undefined || uses.length === 0) return undefined;
  let result: Alternatives | undefined;
  for (const args of uses) {
    const scopes = args['scopes'] as string[] | null | undefined;
    const anyOf = args['anyOf'] as string[][] | null | undefined;
    if (scopes == null && anyOf == null) {
      throw new Error(`@requiresScope on ${where} needs \`scopes\` or \`anyOf\`.`);
    }
    if (scopes != null) {
      if (scopes.length === 0) throw new Error(`@requiresScope on ${where} has an empty \`scopes\` list.`);
      result = and(result, [scopes]);
    }
    if (anyOf != null) {
      if (anyOf.length === 0 || anyOf.some((alternative) => alternative.length === 0)) {
        throw new Error(`@requiresScope on ${where} has an empty \`anyOf\` list or alternative.`);
      }
      result = and(result, anyOf);
    }
  }
  return result;
}

/** AND of two DNFs: the cross product of their alternatives, normalized. */
export function and(left: Alternatives | undefined, right: Alternatives | undefined): Alternatives | undefined {
  if (left === undefined) return right === undefined ? undefined : normalize(right);
  if (right === undefined) return normalize(left);
  return normalize(left.flatMap((l) => right.map((r) => [...l, ...r])));
}

/**
 * Dedupes scopes inside an alternative, drops duplicate alternatives, and drops an
 * alternative that is a superset of another (`[[a], [a, b]]` is `[[a]]`): the
 * same requirement, but the error lists only what a key really needs.
 * First-seen order is kept so errors read in SDL order.
 */
export function normalize(alternatives: Alternatives): Alternatives {
  const unique: Alternatives = [];
  const seen = new Set<string>();
  for (const alternative of alternatives) {
    const scopes = [...new Set(alternative)];
    const key = [...scopes].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(scopes);
  }
  return unique.filter(
    (candidate, i) =>
      !unique.some((other, j) => j !== i && other.length < candidate.length && other.every((s) => candidate.includes(s))),
  );
}

/** "the scope a", "the scopes a and b", "the scope a, or the scopes b and c". */
export function describeAlternatives(alternatives: readonly (readonly string[])[]): string {
  return alternatives.map(describeAlternative).join(', or ');
}

function describeAlternative(scopes: readonly string[]): string {
  if (scopes.length === 1) return `the scope ${scopes[0]}`;
  return `the scopes ${scopes.slice(0, -1).join(', ')} and ${scopes[scopes.length - 1]}`;
}
