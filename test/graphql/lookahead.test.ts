import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse } from 'graphql';
import { selectedAmong } from '../../src/graphql/lookahead';

const schema = makeExecutableSchema({
  typeDefs: `
    type Query { list: Connection }
    type Connection { edges: [Edge] other: Item }
    type Edge { node: Item }
    type Item { name: String owner: Person place: Person }
    type Person { name: String }
  `,
  resolvers: {
    Query: {
      list: (_root, _args, seen: { value?: string[] }, info) => {
        seen.value = selectedAmong(info, ['edges', 'node'], ['owner', 'place']);
        return { edges: [] };
      },
    },
  },
});

function selected(query: string): string[] | undefined {
  const seen: { value?: string[] } = {};
  const result = execute({ schema, document: parse(query), contextValue: seen }) as { errors?: unknown };
  expect(result.errors).toBeUndefined();
  return seen.value;
}

it('finds the relations selected on the nodes, and only those', () => {
  expect(selected('{ list { edges { node { name owner { name } } } } }')).toEqual(['owner']);
  expect(selected('{ list { edges { node { name } } } }')).toEqual([]);
  expect(selected('{ list { edges { node { place { name } owner { name } } } } }')).toEqual(['owner', 'place']);
});

it('looks through aliases, named and inline fragments, at any level', () => {
  expect(selected('{ list { e: edges { n: node { who: place { name } } } } }')).toEqual(['place']);
  expect(
    selected(`{ list { ...Page } }
      fragment Page on Connection { edges { ... on Edge { node { ...Row } } } }
      fragment Row on Item { owner { name } }`),
  ).toEqual(['owner']);
});

it('merges every occurrence of the field and of the path', () => {
  expect(selected('{ list { edges { node { name } } } list { edges { node { owner { name } } } } }')).toEqual(['owner']);
  expect(selected('{ list { edges { node { name } } edges { node { place { name } } } } }')).toEqual(['place']);
});

it('does not count a field of the same name off the path', () => {
  expect(selected('{ list { other { owner { name } } edges { node { name } } } }')).toEqual([]);
});

it('counts a field under @skip or @include (at worst, an unread join)', () => {
  expect(selected('{ list { edges { node { owner @skip(if: true) { name } } } } }')).toEqual(['owner']);
});
