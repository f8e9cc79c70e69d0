import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** What a list or connection is assumed to return when `first` is not given. */
export const DEFAULT_PAGE_SIZE = 20;
/** Every root field of a mutation adds this much, as Shopify's Admin API does. */
export const MUTATION_FIELD_COST = 10;

/**
 * The requested cost of an operation, Shopify-like and computed from the
 * document alone (no resolver runs):
 *
 * - a field whose type is an object, interface or union costs 1; scalars and enums 0;
 * - a field with a `first` argument (a connection, or a list such as
 *   `attemptLog(first:)`) multiplies the cost of its selection by `first`
 *   (the literal, the variable's value, the argument's schema default, else 20);
 * - a list field without `first` multiplies its own cost and its selection's by 20;
 * - every root field of a mutation adds 10;
 * - fragments and inline fragments are followed; on an abstract field the most
 *   expensive possible type counts; `@skip`/`@include` are honoured.
 *
 * Returns 0 when the named operation is not in the document (validation reports that).
 */
export function estimateQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
): number {
  const operation = findOperation(document, operationName);
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const values = { ...defaultVariableValues(operation), ...(variables ?? {}) };

  const included = (node: { directives?: readonly unknown[] }): boolean => {
    if (!node.directives?.length) return true;
    try {
      const skip = getDirectiveValues(GraphQLSkipDirective, node as never, values);
      const include = getDirectiveValues(GraphQLIncludeDirective, node as never, values);
      return skip?.if !== true && include?.if !== false;
    } catch {
      return true; // a bad variable is for validation to report; assume the field runs
    }
  };

  const pageSize = (node: FieldNode, field: GraphQLField<unknown, unknown>): number | undefined => {
    const argument = field.args.find((arg) => arg.name === 'first');
    if (!argument) return undefined;
    const given = node.arguments?.find((arg) => arg.name.value === 'first');
    const value = given ? safeValueFromAST(given.value, argument.type, values) : argument.defaultValue;
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : DEFAULT_PAGE_SIZE;
  };

  /** `paged`: the selection of a field with `first`, whose lists (`edges`, `nodes`) that `first` already bounds. */
  const selectionCost = (selectionSet: SelectionSetNode, type: GraphQLObjectType, seen: ReadonlySet<string>, paged = false): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const field = type.getFields()[selection.name.value];
        if (field) total += fieldCost(selection, field, seen, paged);
        continue;
      }
      let nextSeen = seen;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        // Validation forbids cycles; this guard only keeps a bad document from looping.
        if (seen.has(selection.name.value)) continue;
        nextSeen = new Set([...seen, selection.name.value]);
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment || !appliesTo(schema, fragment.typeCondition?.name.value, type)) continue;
      total += selectionCost(fragment.selectionSet, type, nextSeen, paged);
    }
    return total;
  };

  const fieldCost = (node: FieldNode, field: GraphQLField<unknown, unknown>, seen: ReadonlySet<string>, paged: boolean): number => {
    const named = getNamedType(field.type);
    const own = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? 1 : 0;
    const first = pageSize(node, field);
    let children = 0;
    if (node.selectionSet) {
      const possible = isAbstractType(named) ? schema.getPossibleTypes(named) : isObjectType(named) ? [named] : [];
      const childrenPaged = first !== undefined && !isList(field.type);
      for (const object of possible) children = Math.max(children, selectionCost(node.selectionSet, object, seen, childrenPaged));
    }
    if (isList(field.type)) return (first ?? (paged ? 1 : DEFAULT_PAGE_SIZE)) * (own + children);
    return own + (first ?? 1) * children;
  };

  let cost = 0;
  for (const selection of operation.selectionSet.selections) {
    const single = { kind: Kind.SELECTION_SET, selections: [selection] } as const;
    const rootCost = selectionCost(single, root, new Set());
    // Only a root field (not a fragment spread of them) is charged as a mutation field here.
    const mutationFields = operation.operation === 'mutation' ? countRootFields(single, root, fragments, included) : 0;
    cost += rootCost + MUTATION_FIELD_COST * mutationFields;
  }
  return cost;
}

function findOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((op) => op.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function defaultVariableValues(operation: OperationDefinitionNode): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (!definition.defaultValue) continue;
    // A literal default needs no type to read; Int and Boolean are all that matter here.
    const value = safeValueFromAST(definition.defaultValue, undefined, {});
    if (value !== undefined) values[definition.variable.name.value] = value;
  }
  return values;
}

function safeValueFromAST(
  node: ValueNode,
  type: GraphQLInputType | undefined,
  variables: Record<string, unknown>,
): unknown {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number.parseInt(node.value, 10);
  if (node.kind === Kind.BOOLEAN) return node.value;
  if (!type) return undefined;
  try {
    return valueFromAST(node, type, variables);
  } catch {
    return undefined;
  }
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function appliesTo(schema: GraphQLSchema, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined || condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return conditionType !== undefined && conditionType !== null && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}

/** Root fields selected, through fragments on the root type too. */
function countRootFields(
  selectionSet: SelectionSetNode,
  root: GraphQLObjectType,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  included: (node: { directives?: readonly unknown[] }) => boolean,
  seen: ReadonlySet<string> = new Set(),
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (!included(selection)) continue;
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) count += 1;
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value)) continue;
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment) continue;
    const nextSeen = selection.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, selection.name.value]) : seen;
    count += countRootFields(fragment.selectionSet, root, fragments, included, nextSeen);
  }
  return count;
}

const perRequest = new WeakMap<object, number>();

/**
 * `estimateQueryCost` of one request, computed once: the query limit and the
 * cost budget both need it in the same request. Keyed on Apollo's request
 * object, which every plugin of a request shares and which dies with it.
 */
export function requestQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  request: { operationName?: string | null; variables?: Record<string, unknown> | null },
): number {
  let cost = perRequest.get(request);
  if (cost === undefined) {
    cost = estimateQueryCost(schema, document, request.operationName, request.variables);
    perRequest.set(request, cost);
  }
  return cost;
}
