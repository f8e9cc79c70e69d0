import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Which of `candidates` the operation selects on the objects at `path` below
 * the current field (`['edges', 'node']` for a connection's nodes), through
 * aliases and fragments. A list resolver uses it to read related rows in the
 * statement that reads the list, instead of a second statement per relation.
 *
 * It over-approximates on purpose: a field under @skip/@include counts as
 * selected, so at worst a join is made whose columns nobody reads. It never
 * under-approximates, and what it returns decides only how rows are fetched,
 * never whether a field may be read: that stays with the field's scope check.
 */
export function selectedAmong<Name extends string>(info: GraphQLResolveInfo, path: readonly string[], candidates: readonly Name[]): Name[] {
  let level: SelectionSetNode[] = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) level = fieldsNamed(info, level, name).flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
  return candidates.filter((candidate) => fieldsNamed(info, level, candidate).length > 0);
}

function fieldsNamed(info: GraphQLResolveInfo, sets: readonly SelectionSetNode[], name: string): FieldNode[] {
  const found: FieldNode[] = [];
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) visit(set);
  return found;
}
