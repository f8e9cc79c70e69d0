import { parse, type OperationDefinitionNode } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { defaultCatalog } from '../../src/scopes/catalog';
import { applyScopeDirectives, scopeDirectiveTypeDefs } from '../../src/scopes/directive';
import { ScopeEngine } from '../../src/scopes/engine';
import { analyseOperation, selectedRequirements } from '../../src/scopes/operation-requirements';

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
  type Payload { booking: Booking node: Node result: Result note: String next: Payload }
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

describe('analyseOperation', () => {
  const operationOf = (source: string) => {
    const document = parse(source);
    return { document, operation: document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode };
  };
  const permissions = (...scopes: string[]) => engine.permissionsFor({ keyType: 'SECRET', scopes, bundles: [], policies: [] });

  it('is cached per document and per outcome of its @skip/@include conditions, not per other variable', () => {
    const { document, operation } = operationOf('mutation($v: Boolean!, $note: String) { createBooking { booking @include(if: $v) { id } note } }');
    const first = analyseOperation(schema, document, operation, { v: true, note: 'a' });
    expect(analyseOperation(schema, document, operation, { v: true, note: 'b' })).toBe(first);
    const skipped = analyseOperation(schema, document, operation, { v: false });
    expect(skipped).not.toBe(first);
    expect(skipped.selected.map((r) => r.where)).toEqual(['Mutation.createBooking']);
    // A freshly parsed copy of the same text is another document: analysed again, same answer.
    const copy = operationOf('mutation($v: Boolean!, $note: String) { createBooking { booking @include(if: $v) { id } note } }');
    expect(analyseOperation(schema, copy.document, copy.operation, { v: true })).not.toBe(first);
  });

  it('decides once per permission set: keys holding the same scopes share the decision', () => {
    const { document, operation } = operationOf('mutation { createBooking { booking { id customer { email } } } }');
    const analysis = analyseOperation(schema, document, operation);
    const writer = analysis.denied(permissions('bookings:write'));
    expect(writer.map((r) => r.path.join('.'))).toEqual(['createBooking.booking.customer', 'createBooking.booking.customer.email']);
    expect(analysis.denied(permissions('bookings:write'))).toBe(writer);
    expect(analysis.denied(permissions('bookings:write', 'customers:read'))).toEqual([]);
  });

  it('uses a condition variable’s default; a missing or non-boolean one counts as selected', () => {
    const source = 'mutation($v: Boolean = false, $w: Boolean) { createBooking { booking @include(if: $v) { id } result @skip(if: $w) { ... on Customer { email } } } }';
    const { document, operation } = operationOf(source);
    const wheres = (variables: Record<string, unknown>) => analyseOperation(schema, document, operation, variables).selected.map((r) => r.where);
    expect(wheres({})).not.toContain('Booking.id');
    expect(wheres({})).toContain('Customer.email');
    expect(wheres({ v: true, w: true })).toContain('Booking.id');
    expect(wheres({ v: true, w: true })).not.toContain('Customer.email');
    expect(wheres({ w: 'yes' })).toContain('Customer.email');
  });

  it('groups requirements by response path, combining every type an abstract field may return', () => {
    const { document, operation } = operationOf('mutation { createBooking { result { __typename } node { id } } }');
    expect(analyseOperation(schema, document, operation).byPath()).toEqual([
      { path: 'createBooking', anyOf: [['bookings:create']], where: ['Mutation.createBooking'] },
      { path: 'createBooking.result', anyOf: [['customers:read']], where: ['Customer'] },
      { path: 'createBooking.node', anyOf: [['customers:read', 'bookings:read']], where: ['Customer', 'Booking'] },
      { path: 'createBooking.node.id', anyOf: [['customers:read', 'bookings:read']], where: ['Customer.id', 'Booking.id'] },
    ]);
  });

  it('records, as used, the first alternative the key holds in full for each requirement it meets', () => {
    const { document, operation } = operationOf('mutation { createBooking { booking { id customer { email } } } }');
    const analysis = analyseOperation(schema, document, operation);
    expect(analysis.scopesUsed(permissions('bookings:write', 'customers:read'))).toEqual(['bookings:create', 'bookings:read', 'customers:read']);
    // What the key may not use is not used: customers:read is missing, so nothing of the customer counts.
    expect(analysis.scopesUsed(permissions('bookings:write'))).toEqual(['bookings:create', 'bookings:read']);
  });

  it('walks a fragment spread twice at the same place once, so a fragment bomb stays linear', () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Payload { note }` : `fragment F${i} on Payload { ...F${i + 1} ...F${i + 1} }`,
    );
    const { document, operation } = operationOf(`mutation { createBooking { ...F0 } } ${fragments.join(' ')}`);
    const started = Date.now();
    expect(analyseOperation(schema, document, operation).selected.map((r) => r.where)).toEqual(['Mutation.createBooking']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses, with QUERY_TOO_COMPLEX, a document that fans out past what it may visit', () => {
    // Aliases make every copy a distinct path: 4^9 paths.
    const levels = 9;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Payload { note }`
        : `fragment F${i} on Payload { a: next { ...F${i + 1} } b: next { ...F${i + 1} } c: next { ...F${i + 1} } d: next { ...F${i + 1} } }`,
    );
    const { document, operation } = operationOf(`mutation { createBooking { ...F0 } } ${fragments.join(' ')}`);
    expect(() => analyseOperation(schema, document, operation)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }));
  });
});
