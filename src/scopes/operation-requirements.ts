import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { AppError } from '../errors';
import { and } from './directive-requirements';
import { requirementOf, typeRequirementOf } from './directive';
import type { EffectivePermissions } from './permissions';
import type { CompiledRequirement, ScopeAlternatives } from './types';

/** One requirement an operation's selection brings, at a response path such as `createBooking.booking.customer`. */
export interface SelectedRequirement {
  readonly path: readonly string[];
  readonly requirement: CompiledRequirement;
  /** `Type.field` for a field, `Type` for a type reached through an abstract field. */
  readonly where: string;
}

/** A response path with everything selecting it needs, combined (AND) into one requirement. */
export interface PathRequirement {
  /** Response keys joined with dots, aliases included, as in error paths: `bookings.edges.node.customer`. */
  readonly path: string;
  readonly anyOf: ScopeAlternatives;
  /** Where the requirement comes from: `Booking.customer`, or `Customer` for an object an abstract field may return. */
  readonly where: readonly string[];
}

/**
 * Selections (field x possible type) one analysis may visit. Far above what the
 * server's own limits (depth, aliases, tokens) let an operation reach; it only
 * stops a document crafted to fan out, such as one handed to `requiredScopes`.
 */
const MAX_VISITS = 100_000;
/** Decisions kept per analysis: distinct permission sets that ran this operation. */
const MAX_DECISIONS = 64;
/** Analyses kept per operation: distinct @skip/@include outcomes. */
const MAX_VARIANTS = 32;

/**
 * Every requirement an operation can meet, read from a schema transformed by
 * `applyScopeDirectives` and the document alone: no resolver runs. It follows
 * fragments, inline fragments narrowed by type condition, `@skip`/`@include`
 * with the request's variables, aliases (paths use response keys, as errors do),
 * and every possible type of an abstract field, because at run time the object
 * could be any of them. Used to authorize a mutation as a whole (contract
 * section 2), to report the scopes an operation needs (`requiredScopes`, the
 * `scopes` CLI) and to record the scopes a request used (request log).
 *
 * A `@skip`/`@include` condition whose variable has no usable value (missing
 * with no default, or not a boolean) counts as selecting the field: an analysis
 * must never miss a requirement the operation could meet.
 */
export function selectedRequirements(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): SelectedRequirement[] {
  return [...analyseOperation(schema, document, operation, variables).selected];
}

interface CachedOperation {
  /** Variables that decide a @skip/@include somewhere in the document: the only ones the analysis depends on. */
  readonly conditionVariables: readonly string[];
  readonly variants: Map<string, OperationRequirements>;
}

const cache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, WeakMap<OperationDefinitionNode, CachedOperation>>>();

/**
 * The analysis of one operation, cached on the parsed document (Apollo reuses
 * one DocumentNode per distinct query text), per outcome of its @skip/@include
 * conditions: a mutation sent a thousand times with different inputs is walked
 * once. What a given permission set may use is cached on the analysis in turn
 * (see `OperationRequirements`). Throws QUERY_TOO_COMPLEX for a document that
 * fans out past MAX_VISITS.
 */
export function analyseOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationRequirements {
  let byDocument = cache.get(schema);
  if (!byDocument) cache.set(schema, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new WeakMap()));
  let cached = byOperation.get(operation);
  if (!cached) byOperation.set(operation, (cached = { conditionVariables: conditionVariablesOf(document), variants: new Map() }));

  const conditions = conditionValues(operation, variables);
  const key = cached.conditionVariables.map((name) => String(conditions.get(name))).join(',');
  let analysis = cached.variants.get(key);
  if (!analysis) {
    analysis = new OperationRequirements(walk(schema, document, operation, conditions));
    // Past the cap (an operation with many conditions sent with every combination), analyses are not kept.
    if (cached.variants.size < MAX_VARIANTS) cached.variants.set(key, analysis);
  }
  return analysis;
}

/**
 * What one operation needs, and, memoized per permission set (the key's
 * effective scopes in catalog order), what of it a key may not use and which
 * scopes it used. Keys with the same effective scopes share one decision.
 */
export class OperationRequirements {
  /** Each requirement at each path, in document order. */
  readonly selected: readonly SelectedRequirement[];
  /** The distinct requirements, in the order first met. */
  readonly requirements: readonly CompiledRequirement[];
  private readonly decisions = new Map<string, { denied: readonly SelectedRequirement[]; used: readonly string[] }>();
  private paths: readonly PathRequirement[] | undefined;

  constructor(selected: readonly SelectedRequirement[]) {
    this.selected = Object.freeze([...selected]);
    const distinct = new Map<number, CompiledRequirement>();
    for (const { requirement } of selected) if (!distinct.has(requirement.id)) distinct.set(requirement.id, requirement);
    this.requirements = Object.freeze([...distinct.values()]);
  }

  /** The selected requirements the key does not meet: one SCOPE_REQUIRED each when authorizing a mutation. */
  denied(permissions: EffectivePermissions): readonly SelectedRequirement[] {
    return this.decide(permissions).denied;
  }

  /**
   * The scopes the key used to meet what this operation selected (README "Scope
   * usage"): for every requirement the key meets, the scopes of its first
   * alternative (in directive order) that the key holds in full. Concrete catalog
   * scopes (`bookings:create`, never the `bookings:write` that implied it),
   * sorted, deduplicated. Requirements the key does not meet add nothing.
   */
  scopesUsed(permissions: EffectivePermissions): readonly string[] {
    return this.decide(permissions).used;
  }

  /** One entry per response path, in document order, with the requirements of every type it may select combined. */
  byPath(): readonly PathRequirement[] {
    if (!this.paths) {
      const grouped = new Map<string, { anyOf: string[][] | undefined; where: string[] }>();
      for (const { path, requirement, where } of this.selected) {
        const key = path.join('.');
        const entry = grouped.get(key) ?? { anyOf: undefined, where: [] };
        entry.anyOf = and(entry.anyOf, requirement.anyOf.map((alternative) => [...alternative]));
        if (!entry.where.includes(where)) entry.where.push(where);
        grouped.set(key, entry);
      }
      this.paths = Object.freeze([...grouped].map(([path, { anyOf, where }]) => ({ path, anyOf: anyOf ?? [], where })));
    }
    return this.paths;
  }

  private decide(permissions: EffectivePermissions): { denied: readonly SelectedRequirement[]; used: readonly string[] } {
    const fingerprint = fingerprintOf(permissions);
    let decision = this.decisions.get(fingerprint);
    if (!decision) {
      const used = new Set<string>();
      for (const requirement of this.requirements) {
        const alternative = requirement.anyOf.find((scopes) => scopes.every((scope) => permissions.has(scope)));
        if (alternative) for (const scope of alternative) used.add(scope);
      }
      decision = {
        denied: Object.freeze(this.selected.filter(({ requirement }) => !permissions.allows(requirement))),
        used: Object.freeze([...used].sort()),
      };
      if (this.decisions.size >= MAX_DECISIONS) this.decisions.delete(this.decisions.keys().next().value as string);
      this.decisions.set(fingerprint, decision);
    }
    return decision;
  }
}

const fingerprints = new WeakMap<EffectivePermissions, string>();

/**
 * Identifies a permission set by its effective scopes (already expanded, denies
 * applied), as the scoped-introspection cache does: two keys holding the same
 * scopes decide every requirement the same way.
 */
function fingerprintOf(permissions: EffectivePermissions): string {
  let fingerprint = fingerprints.get(permissions);
  if (fingerprint === undefined) fingerprints.set(permissions, (fingerprint = permissions.list().join(' ')));
  return fingerprint;
}

/** true / false when a condition's value is known, undefined when it is not (counts as selected). */
type Conditions = ReadonlyMap<string, boolean | undefined>;

function walk(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, conditions: Conditions): SelectedRequirement[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return [];

  const found = new Map<string, SelectedRequirement>();
  const add = (path: readonly string[], requirement: CompiledRequirement | undefined, where: string) => {
    if (!requirement) return;
    const key = `${path.join('.')}|${where}`;
    if (!found.has(key)) found.set(key, { path, requirement, where });
  };
  const included = (node: { directives?: readonly DirectiveNode[] }) => {
    if (!node.directives?.length) return true;
    return condition(node.directives, 'skip', conditions) !== true && condition(node.directives, 'include', conditions) !== false;
  };
  // A fragment spread at the same path over the same possible types adds nothing
  // the first spread did not: skipping it keeps `...A ...A` nested twenty deep linear.
  const expanded = new Set<string>();
  let visits = 0;

  const visit = (selectionSet: SelectionSetNode, possible: readonly GraphQLObjectType[], path: readonly string[], seen: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const fieldPath = [...path, selection.alias?.value ?? selection.name.value];
        for (const type of possible) {
          if (++visits > MAX_VISITS) throw tooLarge();
          const field = type.getFields()[selection.name.value];
          if (!field) continue;
          add(fieldPath, requirementOf(schema, type.name, field.name), `${type.name}.${field.name}`);
          if (!selection.selectionSet) continue;
          const named = getNamedType(field.type);
          const next = isAbstractType(named) ? schema.getPossibleTypes(named) : isObjectType(named) ? [named] : [];
          // The abstract type's resolver refuses any possible type the key may not read.
          if (isAbstractType(named)) for (const object of next) add(fieldPath, typeRequirementOf(schema, object.name), object.name);
          visit(selection.selectionSet, next, fieldPath, seen);
        }
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue;
      const narrowed = narrow(schema, possible, fragment.typeCondition?.name.value);
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        // Validation forbids cycles; this guard only keeps a bad document from looping.
        if (seen.has(selection.name.value)) continue;
        const key = `${path.join('.')}|${selection.name.value}|${narrowed.map((t) => t.name).join(',')}`;
        if (expanded.has(key)) continue;
        expanded.add(key);
        visit(fragment.selectionSet, narrowed, path, new Set([...seen, selection.name.value]));
      } else {
        visit(fragment.selectionSet, narrowed, path, seen);
      }
    }
  };

  visit(operation.selectionSet, [root], [], new Set());
  return [...found.values()];
}

function tooLarge(): AppError {
  return new AppError('QUERY_TOO_COMPLEX', `The operation selects more than ${MAX_VISITS} fields once fragments are expanded`, {
    limit: 'Selections',
    maximum: MAX_VISITS,
  });
}

function narrow(schema: GraphQLSchema, possible: readonly GraphQLObjectType[], condition: string | undefined): readonly GraphQLObjectType[] {
  if (condition === undefined) return possible;
  const type = schema.getType(condition);
  if (!type) return [];
  const allowed = new Set(isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name]);
  return possible.filter((t) => allowed.has(t.name));
}

/** Names of the variables any @skip/@include of the document reads. */
function conditionVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  const scan = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      for (const directive of selection.directives ?? []) {
        if (directive.name.value !== 'skip' && directive.name.value !== 'include') continue;
        const value = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
        if (value?.kind === Kind.VARIABLE) names.add(value.name.value);
      }
      if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) scan(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) scan(definition.selectionSet);
  }
  return [...names].sort();
}

/** The boolean each condition variable holds for this request: its value, else its default, else unknown. */
function conditionValues(operation: OperationDefinitionNode, variables: Record<string, unknown>): Conditions {
  const values = new Map<string, boolean | undefined>();
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const given = Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined;
    if (typeof given === 'boolean') values.set(name, given);
    else if (given === undefined && definition.defaultValue?.kind === Kind.BOOLEAN) values.set(name, definition.defaultValue.value);
  }
  return values;
}

function condition(directives: readonly DirectiveNode[], name: 'skip' | 'include', conditions: Conditions): boolean | undefined {
  const directive = directives.find((d) => d.name.value === name);
  if (!directive) return undefined;
  const value: ValueNode | undefined = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
  if (value?.kind === Kind.BOOLEAN) return value.value;
  if (value?.kind === Kind.VARIABLE) return conditions.get(value.name.value);
  return undefined;
}
