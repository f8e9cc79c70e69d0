import { getOperationAST, parse } from 'graphql';
import { rootFields } from '../../src/http/root-fields';

function rootsOf(query: string, operationName?: string) {
  const document = parse(query);
  return { document, operation: getOperationAST(document, operationName)! };
}

it('names root fields through aliases and fragments, meta fields apart', () => {
  const { document, operation } = rootsOf(`
    query Q { __typename a: bookings { edges { cursor } } ...More ... on Query { viewer { prefix } } }
    fragment More on Query { products { edges { cursor } } __schema { queryType { name } } ...More }`);
  const roots = rootFields(document, operation);
  expect([...roots.names].sort()).toEqual(['__schema', '__typename', 'bookings', 'products', 'viewer']);
  expect([...roots.dataFieldNames].sort()).toEqual(['bookings', 'products', 'viewer']);
  expect([...roots.responseKeys].sort()).toEqual(['a', 'products', 'viewer']);
});

it('reads the operation asked for, once per parsed operation', () => {
  const document = parse('query A { bookings { edges { cursor } } } query B { customers { edges { cursor } } }');
  const b = getOperationAST(document, 'B')!;
  expect([...rootFields(document, b).dataFieldNames]).toEqual(['customers']);
  expect(rootFields(document, b)).toBe(rootFields(document, b));
  expect([...rootFields(document, getOperationAST(document, 'A')!).dataFieldNames]).toEqual(['bookings']);
});
