import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** What an operation selects at its root, through fragments spread or inlined there. */
export interface RootFields {
  /** Schema field names, meta fields (`__schema`, `__typename`) included. */
  readonly names: ReadonlySet<string>;
  /**
   * Schema field names without the meta fields: not aliases (`a: bookings` is
   * `bookings`), because the request log records what a key used, and scope
   * usage maps field names to requirements.
   */
  readonly dataFieldNames: ReadonlySet<string>;
  /** Response keys (alias or name) of the data fields, to tell "every root field was denied" (403) from a partial result (200). */
  readonly responseKeys: ReadonlySet<string>;
}

// Apollo keeps one parsed document per query text, so an operation node is met
// again on every request that sends the same query: read its root once.
const cache = new WeakMap<OperationDefinitionNode, RootFields>();

/** The root selection of `operation` (one of `document`'s), computed once per parsed operation. */
export function rootFields(document: DocumentNode, operation: OperationDefinitionNode): RootFields {
  let found = cache.get(operation);
  if (!found) cache.set(operation, (found = collect(document, operation)));
  return found;
}

function collect(document: DocumentNode, operation: OperationDefinitionNode): RootFields {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const names = new Set<string>();
  const dataFieldNames = new Set<string>();
  const responseKeys = new Set<string>();
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) add(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  const add = (field: FieldNode) => {
    const name = field.name.value;
    names.add(name);
    if (name.startsWith('__')) return;
    dataFieldNames.add(name);
    responseKeys.add(field.alias?.value ?? name);
  };
  visit(operation.selectionSet);
  return { names, dataFieldNames, responseKeys };
}
