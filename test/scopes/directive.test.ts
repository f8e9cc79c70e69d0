import { graphql, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema, type GraphQLUnionType } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { defaultCatalog } from '../../src/scopes/catalog';
import { ScopeEngine } from '../../src/scopes/engine';
import type { EffectivePermissions } from '../../src/scopes/permissions';
import { and } from '../../src/scopes/directive-requirements';
import {
  applyScopeDirectives,
  requirementOf,
  scopeDirectiveTypeDefs,
  scopeRequiredError,
  typeRequirementOf,
} from '../../src/scopes/directive';

// A test-only schema: every directive position, every abstract-type path, and the
// three ways a type can be resolved (sync resolveType, async resolveType, __typename).
const sdl = /* GraphQL */ `
  interface Node { id: ID! }
  interface Priced @requiresScope(scopes: ["reports:read"]) {
    totalCents: Int!
    discountCents: Int @requiresScope(scopes: ["audit:read"])
  }
  type Product implements Node {
    id: ID!
    name: String!
    internalNote: String @requiresScope(anyOf: [["products:write", "keys:read"], ["reports:read", "audit:read"]])
  }
  type Customer implements Node @requiresScope(scopes: ["customers:read"]) {
    id: ID!
    name: String!
    bookings: [Booking!] @requiresScope(scopes: ["bookings:read"])
  }
  type Booking implements Node @requiresScope(scopes: ["bookings:read"]) {
    id: ID!
    product: Product!
    customer: Customer @requiresScope(scopes: ["customers:read"])
    notes: String @requiresScope(scopes: ["customers:read"], anyOf: [["reports:read"], ["audit:read"]])
  }
  type Invoice implements Priced { number: String! totalCents: Int! discountCents: Int }
  union SearchResult = Product | Customer
  union ProductOnly = Product
  type Query {
    version: String
    products: [Product!]!
    bookings: [Booking!]!
    customers: [Customer!]!
    node(id: ID!): Node
    search: [SearchResult]!
    invoices: [Priced]!
    featured: ProductOnly
  }
  type Mutation {
    createCustomer(name: String!): Customer @requiresScope(scopes: ["customers:create"])
    ping: String @public
  }
`;

const product = { id: 'p1', name: 'Kayak tour', internalNote: 'cash only' };
const customers = [{ id: 'c1', name: 'Ada' }, { id: 'c2', name: 'Linus' }];
const bookings = [
  { id: 'b1', product, customer: customers[0], notes: 'window seat' },
  { id: 'b2', product, customer: customers[1], notes: null },
];
const byId = new Map<string, { id: string }>([[product.id, product], ...customers.map((c) => [c.id, c] as const), ...bookings.map((b) => [b.id, b] as const)]);
const typeOf = (id: string): string => ({ p: 'Product', c: 'Customer', b: 'Booking' })[id[0] as 'p' | 'c' | 'b'];

const created = { count: 0 };
const versionResolver = () => '1.0';
const featuredTypeResolver = () => 'Product';
const resolvers = {
  Query: {
    version: versionResolver,
    products: () => [product],
    bookings: () => bookings,
    customers: () => customers.map((c) => ({ ...c, bookings: bookings.filter((b) => b.customer === c) })),
    node: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
    search: () => [product, customers[0]],
    invoices: () => [{ __typename: 'Invoice', number: 'INV-1', totalCents: 1200, discountCents: 100 }],
    featured: () => product,
  },
  Mutation: {
    createCustomer: (_: unknown, { name }: { name: string }) => {
      created.count += 1;
      return { id: 'c9', name };
    },
    ping: () => 'pong',
  },
  Node: { __resolveType: (value: { id: string }) => typeOf(value.id) },
  // Async on purpose: the gate must chain on a promise rather than break it.
  SearchResult: { __resolveType: async (value: { id: string }) => typeOf(value.id) },
  ProductOnly: { __resolveType: featuredTypeResolver },
};

const engine = new ScopeEngine(defaultCatalog());
const build = (typeDefs: string): GraphQLSchema =>
  applyScopeDirectives(makeExecutableSchema({ typeDefs: [scopeDirectiveTypeDefs, typeDefs] }), { engine });
const original = makeExecutableSchema({ typeDefs: [scopeDirectiveTypeDefs, sdl], resolvers });
const schema = applyScopeDirectives(original, { engine });

const keyWith = (...scopes: string[]): EffectivePermissions =>
  engine.permissionsFor({ keyType: 'SECRET', scopes, bundles: [], policies: [] });
const run = (source: string, permissions?: EffectivePermissions) =>
  graphql({ schema, source, contextValue: permissions ? { permissions } : {} });
const codes = (result: { errors?: readonly { extensions: Record<string, unknown> }[] }) => result.errors?.map((e) => e.extensions['code']);

describe('@requiresScope enforcement', () => {
  it('leaves unannotated fields alone and public to any key', async () => {
    expect(await run('{ version products { name } }', keyWith())).toEqual({ data: { version: '1.0', products: [{ name: 'Kayak tour' }] } });
  });

  it('guards a field (FIELD_DEFINITION) with anyOf: either alternative works, neither fails', async () => {
    const query = '{ products { internalNote } }';
    expect((await run(query, keyWith('products:write', 'keys:read'))).data).toEqual({ products: [{ internalNote: 'cash only' }] });
    expect((await run(query, keyWith('reports:read', 'audit:read'))).data).toEqual({ products: [{ internalNote: 'cash only' }] });

    const denied = await run(query, keyWith('reports:read'));
    expect(denied.data).toEqual({ products: [{ internalNote: null }] });
    expect(denied.errors).toHaveLength(1);
    expect(denied.errors![0].path).toEqual(['products', 0, 'internalNote']);
    expect(denied.errors![0].message).toBe(
      'Product.internalNote requires the scopes products:write and keys:read, or the scopes reports:read and audit:read',
    );
    expect(denied.errors![0].extensions).toEqual({
      code: 'SCOPE_REQUIRED',
      requiredScopes: [['products:write', 'keys:read'], ['reports:read', 'audit:read']],
      missingScopes: ['audit:read'], // the closest alternative, not all of them
    });
  });

  it('denies a field on every row of a list, one error per row path, and returns the rest (partial result)', async () => {
    const result = await run('{ bookings { id customer { name } } }', keyWith('bookings:read'));
    expect(result.data).toEqual({ bookings: [{ id: 'b1', customer: null }, { id: 'b2', customer: null }] });
    expect(result.errors!.map((e) => e.path)).toEqual([['bookings', 0, 'customer'], ['bookings', 1, 'customer']]);
    expect(result.errors![0].message).toBe('Booking.customer requires the scope customers:read');
    expect(codes(result)).toEqual(['SCOPE_REQUIRED', 'SCOPE_REQUIRED']);
  });

  it('requires both the type-level (OBJECT) and the field-level directive', async () => {
    expect(requirementOf(schema, 'Customer', 'bookings')?.anyOf).toEqual([['customers:read', 'bookings:read']]);
    const query = '{ customers { name bookings { id product { name } } } }';
    const both = await run(query, keyWith('customers:read', 'bookings:read'));
    expect(both.errors).toBeUndefined();
    expect(both.data!['customers']).toEqual([
      { name: 'Ada', bookings: [{ id: 'b1', product: { name: 'Kayak tour' } }] },
      { name: 'Linus', bookings: [{ id: 'b2', product: { name: 'Kayak tour' } }] },
    ]);

    const typeOnly = await run('{ customers { name bookings { id } } }', keyWith('customers:read'));
    expect(typeOnly.data).toEqual({ customers: [{ name: 'Ada', bookings: null }, { name: 'Linus', bookings: null }] });
    expect(typeOnly.errors![0].path).toEqual(['customers', 0, 'bookings']);
    expect(typeOnly.errors![0].extensions['missingScopes']).toEqual(['bookings:read']);

    const fieldOnly = await run('{ customers { bookings { id } } }', keyWith('bookings:read'));
    expect(fieldOnly.errors![0].extensions['missingScopes']).toEqual(['customers:read']);
  });

  it('ANDs scopes and anyOf on one directive with the type-level one (cross product)', () => {
    expect(requirementOf(schema, 'Booking', 'notes')?.anyOf).toEqual([
      ['bookings:read', 'customers:read', 'reports:read'],
      ['bookings:read', 'customers:read', 'audit:read'],
    ]);
    expect(and([['a', 'b'], ['c']], [['a'], ['b', 'a']])).toEqual([['a', 'b'], ['c', 'a']]);
    expect(and([['a']], [['a'], ['b']])).toEqual([['a']]); // [a, b] is absorbed by [a]
  });

  it('applies an INTERFACE directive to the fields it declares, with its field-level directives', () => {
    expect(requirementOf(schema, 'Invoice', 'totalCents')?.anyOf).toEqual([['reports:read']]);
    expect(requirementOf(schema, 'Invoice', 'discountCents')?.anyOf).toEqual([['reports:read', 'audit:read']]);
    expect(requirementOf(schema, 'Priced', 'discountCents')?.anyOf).toEqual([['reports:read', 'audit:read']]);
    expect(requirementOf(schema, 'Invoice', 'number')).toBeUndefined();
    expect(typeRequirementOf(schema, 'Invoice')?.anyOf).toEqual([['reports:read']]);
    expect(typeRequirementOf(schema, 'Product')).toBeUndefined();
  });

  describe('objects reached through abstract types', () => {
    it('node(id:) to a denied type: null and SCOPE_REQUIRED at the node path, no __typename', async () => {
      const result = await run('{ node(id: "c1") { __typename id ... on Customer { name } } }', keyWith('products:read'));
      expect(result.data).toEqual({ node: null });
      expect(result.errors!.map((e) => [e.path, e.extensions['code']])).toEqual([[['node'], 'SCOPE_REQUIRED']]);
      expect(result.errors![0].extensions['requiredScopes']).toEqual([['customers:read']]);

      const allowed = await run('{ node(id: "c1") { __typename ... on Customer { name } } }', keyWith('customers:read'));
      expect(allowed).toEqual({ data: { node: { __typename: 'Customer', name: 'Ada' } } });
      expect((await run('{ node(id: "p1") { __typename } }', keyWith())).data).toEqual({ node: { __typename: 'Product' } });
    });

    it('union (async resolveType): the denied member becomes null at its list path', async () => {
      const result = await run('{ search { __typename ... on Product { name } } }', keyWith('products:read'));
      expect(result.data).toEqual({ search: [{ __typename: 'Product', name: 'Kayak tour' }, null] });
      expect(result.errors!.map((e) => e.path)).toEqual([['search', 1]]);
      expect(JSON.stringify(result.data)).not.toContain('Customer');
    });

    it('interface with an inherited type-level requirement (resolved by __typename, no resolveType)', async () => {
      const denied = await run('{ invoices { __typename ... on Invoice { number } } }', keyWith('customers:read'));
      expect(denied.data).toEqual({ invoices: [null] });
      expect(denied.errors!.map((e) => [e.path, e.message])).toEqual([[['invoices', 0], 'Invoice requires the scope reports:read']]);
      const allowed = await run('{ invoices { __typename totalCents } }', keyWith('reports:read'));
      expect(allowed).toEqual({ data: { invoices: [{ __typename: 'Invoice', totalCents: 1200 }] } });
    });
  });

  describe('mutations', () => {
    beforeEach(() => (created.count = 0));

    it('a denied mutation never runs its resolver; an allowed one does', async () => {
      const denied = await run('mutation { createCustomer(name: "Grace") { id } }', keyWith('customers:read'));
      expect(denied.data).toEqual({ createCustomer: null });
      expect(codes(denied)).toEqual(['SCOPE_REQUIRED']);
      expect(denied.errors![0].extensions['missingScopes']).toEqual(['customers:create']);
      expect(created.count).toBe(0);

      const allowed = await run('mutation { createCustomer(name: "Grace") { id name } }', keyWith('customers:write'));
      expect(allowed).toEqual({ data: { createCustomer: { id: 'c9', name: 'Grace' } } });
      expect(created.count).toBe(1);
    });

    it('accepts a mutation explicitly marked @public', async () => {
      expect(await run('mutation { ping }', keyWith())).toEqual({ data: { ping: 'pong' } });
    });
  });

  it('fails closed when the context carries no permissions', async () => {
    const result = await run('{ version bookings { id } }');
    expect(result.data).toBeNull(); // bookings is non-null, so the error nulls the root
    expect(result.errors!.map((e) => [e.path, e.extensions['code']])).toEqual([[['bookings', 0, 'id'], 'SCOPE_REQUIRED']]);
    expect(result.errors![0].extensions['missingScopes']).toEqual(['bookings:read']);
    expect((await run('{ version }')).data).toEqual({ version: '1.0' });
  });

  it('reads permissions through a custom permissionsOf', async () => {
    const custom = applyScopeDirectives(original, { engine, permissionsOf: (ctx) => (ctx as { key: EffectivePermissions }).key });
    const result = await graphql({ schema: custom, source: '{ bookings { id } }', contextValue: { key: keyWith('bookings:read') } });
    expect(result).toEqual({ data: { bookings: [{ id: 'b1' }, { id: 'b2' }] } });
  });

  describe('what the transformer leaves in place', () => {
    const fieldsOf = (s: GraphQLSchema, type: string) => (s.getType(type) as GraphQLObjectType).getFields();

    it('keeps the identical resolver on unannotated fields and abstract types that reach no protected type', () => {
      // makeExecutableSchema binds resolvers, so compare with the schema before the transform.
      expect(fieldsOf(schema, 'Query')['version'].resolve).toBe(fieldsOf(original, 'Query')['version'].resolve);
      expect(fieldsOf(schema, 'Query')['version'].resolve?.name).toBe(`bound ${versionResolver.name}`);
      expect(fieldsOf(schema, 'Product')['name'].resolve).toBe(fieldsOf(original, 'Product')['name'].resolve);
      expect((schema.getType('ProductOnly') as GraphQLUnionType).resolveType).toBe(featuredTypeResolver);
      expect(fieldsOf(schema, 'Product')['internalNote'].resolve).not.toBe(fieldsOf(original, 'Product')['internalNote'].resolve);
    });

    it('wraps synchronously: a sync resolver stays sync (no promise per field)', () => {
      const resolve = fieldsOf(schema, 'Product')['internalNote'].resolve!;
      const info = { fieldName: 'internalNote' } as GraphQLResolveInfo;
      const value = resolve(product, {}, { permissions: keyWith('products:write', 'keys:read') }, info);
      expect(value).not.toBeInstanceOf(Promise);
      expect(value).toBe('cash only');
      expect(() => resolve(product, {}, {}, info)).toThrow('Product.internalNote requires');
    });

    it('stores the compiled requirement on the field extensions', () => {
      expect(fieldsOf(schema, 'Booking')['customer'].extensions['scopeRequirement']).toBe(requirementOf(schema, 'Booking', 'customer'));
      expect(requirementOf(schema, 'Query', 'version')).toBeUndefined();
      expect(requirementOf(schema, 'Nope', 'version')).toBeUndefined();
    });
  });

  describe('schema build failures', () => {
    const query = (field: string) => `type Query { ok: String x: String ${field} }`;

    it('rejects an unknown scope, naming the field and the closest valid name', () => {
      expect(() => build(query('y: String @requiresScope(scopes: ["bookings:reed"])'))).toThrow(
        /Query\.y: "bookings:reed" is not in the scope catalog\. Did you mean "bookings:read"/,
      );
    });

    it('rejects a wildcard', () => {
      expect(() => build(query('y: String @requiresScope(anyOf: [["products:*"]])'))).toThrow(/Query\.y: "products:\*" is a wildcard/);
    });

    it('rejects a Mutation field with no requirement that is not @public', () => {
      expect(() => build(`${query('')} type Mutation { createThing: String }`)).toThrow(
        /Mutation\.createThing has no @requiresScope and is not marked @public/,
      );
    });

    it('rejects a field that is both @public and protected, and a directive with no arguments', () => {
      expect(() => build(query('y: String @public @requiresScope(scopes: ["audit:read"])'))).toThrow(/Query\.y is marked @public but also requires/);
      expect(() => build(query('y: String @requiresScope'))).toThrow(/needs `scopes` or `anyOf`/);
    });
  });

  it('builds the error without permissions from the first alternative', () => {
    const requirement = requirementOf(schema, 'Booking', 'notes')!;
    expect(scopeRequiredError(requirement, undefined, 'Booking.notes').extensions).toEqual({
      code: 'SCOPE_REQUIRED',
      requiredScopes: requirement.anyOf,
      missingScopes: ['bookings:read', 'customers:read', 'reports:read'],
    });
  });
});
