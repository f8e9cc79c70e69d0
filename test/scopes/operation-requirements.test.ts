import { parse, type OperationDefinitionNode } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { defaultCatalog } from '../../src/scopes/catalog';
import { applyScopeDirectives, scopeDirectiveTypeDefs } from '../../src/scopes/directive';
import { ScopeEngine } from '../../src/scopes/engine';
import { selectedRequirements } from '../../src/scopes/operation-requirements';

// A test-only schema with every way a selection can reach a requirement.
const sdl = /* GraphQL */ `
  interface Node { id: ID! }
  type Product implements Node { id: ID! name: String! margin: Int @requiresScope(scopes: ["reports:read"]) }
  type Customer implements Node @requiresScope(scopes: ["customers:read"]) { id: ID! email: String! }
  type Booking implements Node @requiresScope(scopes: ["bookings:read"]) {
    id: ID!
    customer: Customer @requiresScope(scopes: ["customers:read"])
    product: Product
  }
  union Result = Product | Customer
  type Payload { booking: Booking node: Node result: Result note: String }
  type Query { node(id: ID!): Node }
  type Mutation {
    createBooking: Payload @requiresScope(scopes: ["bookings:create"])
    ping: String @public
  }
`;
const engine = new ScopeEngine(defaultCatalog());
const schema = applyScopeDirectives(makeExecutableSchema({ typeDefs: [scopeDirectiveTypeDefs, sdl] }), { engine });

/** `path -> where -> alternatives`, flattened to strings so a table can state it. */
function analyse(source: string, variables: Record<string, unknown> = {}): string[] {
  const document = parse(source);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  return selectedRequirements(schema, document, operation, variables)
    .map((r) => `${r.path.join('.')} ${r.where} ${r.requirement.anyOf.map((a) => a.join('+')).join('|')}`)
    .sort();
}

describe('selectedRequirements', () => {
  it('collects the root field, nested fields and type-level requirements', () => {
    expect(analyse('mutation { createBooking { booking { id customer { email } } note } }')).toEqual([
      'createBooking Mutation.createBooking bookings:create',
      'createBooking.booking.customer Booking.customer bookings:read+customers:read',
      'createBooking.booking.customer.email Customer.email customers:read',
      'createBooking.booking.id Booking.id bookings:read',
    ]);
  });

  it('uses aliases as response keys, as error paths do', () => {
    expect(analyse('mutation { made: createBooking { b: booking { id } } }')).toEqual([
      'made Mutation.createBooking bookings:create',
      'made.b.id Booking.id bookings:read',
    ]);
  });

  it('follows named fragments and inline fragments', () => {
    const source = `
      mutation { createBooking { ...P } }
      fragment P on Payload { booking { ... on Booking { customer { email } } } }`;
    expect(analyse(source)).toContain('createBooking.booking.customer.email Customer.email customers:read');
  });

  it('counts every possible type of an abstract field, and narrows by type condition', () => {
    const all = analyse('mutation { createBooking { node { id } } }');
    // Any of the three could come back, and the Node type refuses each one the key may not read.
    expect(all).toEqual(
      expect.arrayContaining([
        'createBooking.node Booking bookings:read',
        'createBooking.node Customer customers:read',
        'createBooking.node.id Booking.id bookings:read',
        'createBooking.node.id Customer.id customers:read',
      ]),
    );
    expect(all.some((line) => line.startsWith('createBooking.node.id Product.id'))).toBe(false);
    const narrowed = analyse('mutation { createBooking { result { ... on Product { margin } } } }');
    expect(narrowed).toContain('createBooking.result.margin Product.margin reports:read');
    expect(narrowed.some((line) => line.includes('Customer.email'))).toBe(false);
  });

  it.each([
    ['@skip(if: true)', { v: true }, false],
    ['@skip(if: $v)', { v: false }, true],
    ['@include(if: $v)', { v: false }, false],
    ['@include(if: $v)', { v: true }, true],
  ])('honours %s with %j', (directive, variables, expected) => {
    const source = `mutation($v: Boolean!) { createBooking { booking ${directive} { customer { email } } } }`;
    const lines = analyse(source, variables);
    expect(lines.some((line) => line.includes('Customer.email'))).toBe(expected);
  });

  it('has nothing to say about public fields', () => {
    expect(analyse('mutation { ping }')).toEqual([]);
  });
});
