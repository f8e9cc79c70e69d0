import { buildSchema, parse } from 'graphql';
import { DEFAULT_PAGE_SIZE, estimateQueryCost, MUTATION_FIELD_COST } from '../../src/graphql/limits/query-cost';

const schema = buildSchema(`
  interface Node { id: ID! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Product implements Node { id: ID! name: String! tags: [String!]! variants(first: Int = 5): [Variant!]! }
  type Variant { sku: String! }
  type Customer implements Node { id: ID! orders(first: Int, after: String): ProductConnection! }
  type ProductEdge { cursor: String! node: Product! }
  type ProductConnection { edges: [ProductEdge!]! pageInfo: PageInfo! }
  union SearchResult = Product | Customer
  enum Status { ON OFF }
  type Query {
    version: String!
    status: Status!
    product(id: ID!): Product
    node(id: ID!): Node
    products(first: Int, after: String): ProductConnection!
    search: [SearchResult!]!
  }
  type Payload { product: Product }
  type Mutation { createProduct(name: String!): Payload! deleteProduct(id: ID!): Boolean! }
`);

const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  estimateQueryCost(schema, parse(query), operationName, variables);

describe('estimateQueryCost', () => {
  it('charges 1 per object field and nothing for scalars or enums', () => {
    expect(cost('{ version status }')).toBe(0);
    expect(cost('{ product(id: "1") { id name } }')).toBe(1);
  });

  it('multiplies a connection selection by first, 20 when absent', () => {
    // products 1 + first * (edges + node + pageInfo = 3)
    expect(cost('{ products(first: 10) { edges { node { id } } pageInfo { hasNextPage } } }')).toBe(1 + 10 * 3);
    expect(cost('{ products { edges { node { id } } } }')).toBe(1 + DEFAULT_PAGE_SIZE * 2);
    expect(cost('{ products(first: 0) { edges { node { id } } } }')).toBe(1);
  });

  it('reads first from a variable, its default, or the argument default', () => {
    const query = 'query Q($n: Int) { products(first: $n) { edges { node { id } } } }';
    expect(cost(query, { n: 3 })).toBe(1 + 3 * 2);
    expect(cost(query)).toBe(1 + DEFAULT_PAGE_SIZE * 2);
    expect(cost('query Q($n: Int = 4) { products(first: $n) { edges { node { id } } } }')).toBe(1 + 4 * 2);
    // variants(first: Int = 5): a list with a first argument
    expect(cost('{ product(id: "1") { variants { sku } } }')).toBe(1 + 5 * 1);
  });

  it('multiplies nested connections', () => {
    const query = '{ products(first: 10) { edges { node { id } } } node(id: "1") { ... on Customer { orders(first: 5) { edges { node { id } } } } } }';
    // products: 1 + 10 * 2 = 21; node: 1 + max(Product 0, Customer (1 + 5 * 2)) = 12
    expect(cost(query)).toBe(21 + 12);
  });

  it('follows named and inline fragments and charges the dearest possible type', () => {
    const query = `
      query { search { ...P ... on Customer { orders(first: 2) { pageInfo { hasNextPage } } } } }
      fragment P on Product { variants(first: 1) { sku } }
    `;
    // search: a list without first, 20 * (1 + max(Product: 1 * 1, Customer: 1 + 2 * 1))
    expect(cost(query)).toBe(20 * (1 + 3));
    expect(cost('{ product(id: "1") { ...F } } fragment F on Product { variants(first: 2) { sku } }')).toBe(1 + 2);
  });

  it('honours @skip and @include', () => {
    expect(cost('query($s: Boolean!) { product(id: "1") @skip(if: $s) { id } }', { s: true })).toBe(0);
    expect(cost('{ product(id: "1") @include(if: false) { id } }')).toBe(0);
  });

  it('adds 10 per mutation root field', () => {
    expect(cost('mutation { createProduct(name: "x") { product { id } } }')).toBe(MUTATION_FIELD_COST + 2);
    expect(cost('mutation { a: deleteProduct(id: "1") b: deleteProduct(id: "2") }')).toBe(2 * MUTATION_FIELD_COST);
  });

  it('picks the named operation and returns 0 for an unknown one', () => {
    const query = 'query A { product(id: "1") { id } } query B { products(first: 1) { edges { cursor } } }';
    expect(cost(query, {}, 'A')).toBe(1);
    expect(cost(query, {}, 'B')).toBe(2);
    expect(cost(query, {}, 'C')).toBe(0);
    expect(cost(query)).toBe(0);
  });

  it('survives a fragment cycle without looping', () => {
    expect(cost('{ product(id: "1") { ...A } } fragment A on Product { ...B } fragment B on Product { ...A name }')).toBe(1);
  });
});
