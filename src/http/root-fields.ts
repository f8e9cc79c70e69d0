import { Kind, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * The response keys an operation asks for at its root, through fragments, so
 * we can tell "every root field was denied" (403) from a partial result (200).
 */
export function rootResponseKeys(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  return rootFields(document, operation, (field) => field.alias?.value ?? field.name.value);
}

/**
 * The schema fields an operation selects at its root, through fragments: names,
 * not aliases (`a: bookings` is `bookings`), because the request log records
 * what a key used, and scope usage maps field names to requirements.
 */
export function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  return rootFields(document, operation, (field) => field.name.value);
}

function rootFields(document: DocumentNode, operation: OperationDefinitionNode, keyOf: (field: FieldNode) => string): Set<string> {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const keys = new Set<string>();
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith('__')) keys.add(keyOf(selection));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return keys;
}
