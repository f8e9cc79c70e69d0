import { thrown } from '../support/thrown';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageRequest, toConnection } from '../../src/graphql/connection';


const rows = (...ids: number[]) => ids.map((id) => ({ id }));

describe('pageRequest', () => {
  it('defaults to 20 and caps at 100 (contract section 5)', () => {
    expect(DEFAULT_PAGE_SIZE).toBe(20);
    expect(MAX_PAGE_SIZE).toBe(100);
    expect(pageRequest({})).toEqual({ first: 20 });
    expect(pageRequest({ first: null, after: null })).toEqual({ first: 20 });
  });

  it.each([1, 50, 100])('accepts first: %i', (first) => {
    expect(pageRequest({ first })).toEqual({ first });
  });

  it.each([0, -1, 101, 1000, 1.5, Number.NaN])('refuses first: %p with BAD_USER_INPUT naming first', (first) => {
    const error = thrown(() => pageRequest({ first }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe('first');
    expect(error.message).toMatch(/first/);
  });

  it('reads back the cursor a page handed out', () => {
    const connection = toConnection({ nodes: rows(9, 7, 4), hasNextPage: true }, {});
    expect(pageRequest({ first: 3, after: connection.pageInfo.endCursor })).toEqual({ first: 3, afterId: 4 });
    expect(pageRequest({ after: connection.edges[0]!.cursor })).toEqual({ first: 20, afterId: 9 });
  });

  it.each([
    ['empty', ''],
    ['plain text', 'page-2'],
    ['a bare number', '20'],
    ['a global id, not a cursor', Buffer.from('ApiKey:3').toString('base64url')],
    ['cursor of id 0', Buffer.from('c:0').toString('base64url')],
    ['cursor of a negative id', Buffer.from('c:-3').toString('base64url')],
  ])('refuses a garbage after (%s) with BAD_USER_INPUT naming after', (_label, after) => {
    const error = thrown(() => pageRequest({ after }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe('after');
  });
});

describe('toConnection', () => {
  it('makes one edge per row with distinct opaque cursors and a pageInfo that matches', () => {
    const connection = toConnection({ nodes: rows(9, 7, 4), hasNextPage: true }, { afterId: 12 });
    expect(connection.edges.map((e) => e.node.id)).toEqual([9, 7, 4]);
    expect(new Set(connection.edges.map((e) => e.cursor)).size).toBe(3);
    expect(connection.edges[0]!.cursor).not.toContain('9');
    expect(connection.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: connection.edges[0]!.cursor,
      endCursor: connection.edges[2]!.cursor,
    });
  });

  it('describes an empty first page', () => {
    expect(toConnection({ nodes: [], hasNextPage: false }, {}).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
  });
});
