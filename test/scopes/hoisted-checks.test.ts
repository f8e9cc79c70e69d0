import { graphql, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { defaultCatalog } from '../../src/scopes/catalog';
import { ScopeEngine } from '../../src/scopes/engine';
import { applyScopeDirectives, scopeDirectiveTypeDefs } from '../../src/scopes/directive';

/**
 * The transformer checks a type-protected object's plain fields once, where the
 * object comes from, instead of on every field of every row (`hoistedChecks` in
 * src/scopes/directive.ts). That must never change an answer. The same SDL and
 * resolvers are built twice: as is (checks hoisted) and with an `isTypeOf` on
 * `Row`, which rules hoisting out (every field guarded on its own). Every
 * operation must then answer identically, for every key.
 */
const sdl = /* GraphQL */ `
  type Row @requiresScope(scopes: ["bookings:read"]) {
    id: ID!
    name: String
    "A custom resolver: guarded on its own."
    label: String
    "A field-level requirement on top: guarded on its own."
    secret: String @requiresScope(scopes: ["audit:read"])
    "A function on the source, which the default resolver calls."
    shout: String
    "Never hoisted: graphql-js reads then to tell promises."
    then: String
  }
  type Payload { row: Row }
  type Query {
    rows: [Row!]!
    nested: [[Row]]
    later: [Row!]!
    eachLater: [Row]
    one: Row
    primitive: Row
    guarded: Row @requiresScope(scopes: ["reports:read"])
    implied: Row @requiresScope(scopes: ["bookings:read", "customers:read"])
  }
  type Mutation {
    make: Payload @requiresScope(scopes: ["bookings:create"])
  }
`;

const row = (id: string) => ({ id, name: `row ${id}`, secret: `secret ${id}`, then: 'not a promise', shout: () => `ROW ${id}` });
const made = { count: 0 };
const resolvers = {
  Query: {
    rows: () => [row('1'), row('2')],
    nested: () => [[row('3'), null], null, [row('4')]],
    later: async () => [row('5'), row('6')],
    eachLater: () => [Promise.resolve(row('7')), null],
    one: () => row('8'),
    primitive: () => 'just a string',
    guarded: () => row('9'),
    implied: () => row('10'),
  },
  Mutation: {
    make: () => {
      made.count += 1;
      return { row: row('11') };
    },
  },
  Row: { label: (source: { name: string }) => `label of ${source.name}` },
};

const engine = new ScopeEngine(defaultCatalog());
const hoisted = applyScopeDirectives(makeExecutableSchema({ typeDefs: [scopeDirectiveTypeDefs, sdl], resolvers }), { engine });
const perField = applyScopeDirectives(
  makeExecutableSchema({ typeDefs: [scopeDirectiveTypeDefs, sdl], resolvers: { ...resolvers, Row: { ...resolvers.Row, __isTypeOf: () => true } } }),
  { engine },
);

const keys: Record<string, string[] | undefined> = {
  'no key': undefined,
  'bookings:read': ['bookings:read'],
  everything: ['bookings:read', 'audit:read', 'reports:read', 'customers:read', 'bookings:create'],
  'bookings:create only': ['bookings:create'],
  'reports:read only': ['reports:read'],
  'customers:read only': ['customers:read'],
};
const all = 'id name label secret shout then';
const operations = [
  `{ rows { ${all} } }`,
  `{ rows { id } one { name } }`,
  `{ nested { ${all} } }`,
  `{ later { id name } eachLater { name label } }`,
  `{ one { ${all} } }`,
  `{ primitive { id name } }`,
  `{ guarded { ${all} } }`,
  `{ implied { ${all} } }`,
  `{ a: one { n: name } b: rows { __typename id } }`,
  `mutation { make { row { ${all} } } }`,
];

async function answer(schema: GraphQLSchema, source: string, scopes: string[] | undefined) {
  const permissions = scopes && engine.permissionsFor({ keyType: 'SECRET', scopes, bundles: [], policies: [] });
  const result = await graphql({ schema, source, contextValue: permissions ? { permissions } : {} });
  // Errors of concurrent async fields may interleave differently; compare them in path order.
  const errors = result.errors?.map((e) => e.toJSON()).sort((x, y) => JSON.stringify(x.path).localeCompare(JSON.stringify(y.path)));
  return { data: result.data, errors };
}

describe('checks hoisted to where an object comes from', () => {
  it('hoists only what it can: plain fields of Row lose their wrapper, custom and stricter ones keep it', () => {
    const fields = (schema: GraphQLSchema) => (schema.getType('Row') as GraphQLObjectType).getFields();
    expect(fields(hoisted)['name']!.resolve).toBeUndefined();
    expect(fields(hoisted)['id']!.resolve).toBeUndefined();
    expect(fields(hoisted)['label']!.resolve).toBeDefined();
    expect(fields(hoisted)['secret']!.resolve).toBeDefined();
    expect(fields(hoisted)['then']!.resolve).toBeDefined();
    // The requirement stays on the field for analysis (introspection, mutations, requiredScopes).
    expect(fields(hoisted)['name']!.extensions['scopeRequirement']).toEqual(expect.objectContaining({ anyOf: [['bookings:read']] }));
    // The control schema guards every field itself.
    expect(fields(perField)['name']!.resolve).toBeDefined();
  });

  for (const [name, scopes] of Object.entries(keys)) {
    it(`answers exactly as per-field checks do, for ${name}`, async () => {
      for (const operation of operations) {
        const [mine, control] = [await answer(hoisted, operation, scopes), await answer(perField, operation, scopes)];
        expect({ operation, ...mine }).toEqual({ operation, ...control });
      }
    });
  }

  it('denies each plain field at its own path with SCOPE_REQUIRED, and returns the rest', async () => {
    const { data, errors } = await answer(hoisted, '{ eachLater { name } rows { id } }', ['reports:read']);
    expect(data).toBeNull(); // rows is [Row!]!, so a denied id nulls the root
    expect(errors!.map((e) => [e.path, e.message, e.extensions])).toEqual([
      [['eachLater', 0, 'name'], 'Row.name requires the scope bookings:read', { code: 'SCOPE_REQUIRED', requiredScopes: [['bookings:read']], missingScopes: ['bookings:read'] }],
      [['rows', 0, 'id'], 'Row.id requires the scope bookings:read', { code: 'SCOPE_REQUIRED', requiredScopes: [['bookings:read']], missingScopes: ['bookings:read'] }],
    ]);
  });

  it('still runs an allowed mutation whose payload the key may not read (the server refuses that whole, before it runs)', async () => {
    const before = made.count;
    const { data, errors } = await answer(hoisted, 'mutation { make { row { name } } }', ['bookings:create']);
    expect(made.count).toBe(before + 1);
    expect(data).toEqual({ make: { row: { name: null } } });
    expect(errors!.map((e) => e.path)).toEqual([['make', 'row', 'name']]);
  });
});
