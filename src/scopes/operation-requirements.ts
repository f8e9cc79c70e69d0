import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { requirementOf, typeRequirementOf } from './directive';
import type { CompiledRequirement } from './types';

/** One requirement an operation's selection brings, at a response path such as `createBooking.booking.customer`. */
export interface SelectedRequirement {
  readonly path: readonly string[];
  readonly requirement: CompiledRequirement;
  /** `Type.field` for a field, `Type` for a type reached through an abstract field. */
  readonly where: string;
}

/**
 * Every requirement an operation can meet, read from a schema transformed by
 * `applyScopeDirectives` and the document alone: no resolver runs. It follows
 * fragments, inline fragments narrowed by type condition, `@skip`/`@include`
 * with the request's variables, aliases (paths use response keys, as errors do),
 * and every possible type of an abstract field, because at run time the object
 * could be any of them. Used to authorize a mutation as a whole (contract
 * section 2) and, later, to report the scopes an operation needs.
 */
export function selectedRequirements(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): SelectedRequirement[] {
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
  const included = (node: { directives?: readonly unknown[] }) => {
    if (!node.directives?.length) return true;
    const skip = getDirectiveValues(GraphQLSkipDirective, node as never, variables);
    const include = getDirectiveValues(GraphQLIncludeDirective, node as never, variables);
    return skip?.if !== true && include?.if !== false;
  };

  const walk = (selectionSet: SelectionSetNode, possible: readonly GraphQLObjectType[], path: readonly string[], seen: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const fieldPath = [...path, selection.alias?.value ?? selection.name.value];
        for (const type of possible) {
          const field = type.getFields()[selection.name.value];
          if (!field) continue;
          add(fieldPath, requirementOf(schema, type.name, field.name), `${type.name}.${field.name}`);
          if (!selection.selectionSet) continue;
          const named = getNamedType(field.type);
          const next = isAbstractType(named) ? schema.getPossibleTypes(named) : isObjectType(named) ? [named] : [];
          // The abstract type's resolver refuses any possible type the key may not read.
          if (isAbstractType(named)) for (const object of next) add(fieldPath, typeRequirementOf(schema, object.name), object.name);
          walk(selection.selectionSet, next, fieldPath, seen);
        }
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        // Validation forbids cycles; this guard only keeps a bad document from looping.
        if (seen.has(selection.name.value)) continue;
        seen = new Set([...seen, selection.name.value]);
      }
      walk(fragment.selectionSet, narrow(schema, possible, fragment.typeCondition?.name.value), path, seen);
    }
  };

  walk(operation.selectionSet, [root], [], new Set());
  return [...found.values()];
}

function narrow(schema: GraphQLSchema, possible: readonly GraphQLObjectType[], condition: string | undefined): readonly GraphQLObjectType[] {
  if (condition === undefined) return possible;
  const type = schema.getType(condition);
  if (!type) return [];
  const allowed = new Set(isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name]);
  return possible.filter((t) => allowed.has(t.name));
}
