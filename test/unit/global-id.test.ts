import { thrown } from '../support/thrown';
import { expectGlobalId, parseGlobalId, toGlobalId } from '../../src/global-id';

const b64 = (text: string) => Buffer.from(text).toString('base64url');


describe('global ids', () => {
  it.each([
    ['ApiKey', 1],
    ['ScopePolicy', 42],
    ['Account', Number.MAX_SAFE_INTEGER],
  ])('round-trips %s %i and is opaque', (type, id) => {
    const globalId = toGlobalId(type, id);
    expect(globalId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(globalId).not.toContain(String(id));
    expect(parseGlobalId(globalId)).toEqual({ type, id });
  });

  it('differs by type for the same row id', () => {
    expect(toGlobalId('ApiKey', 7)).not.toBe(toGlobalId('ScopePolicy', 7));
  });

  it.each([
    ['empty', ''],
    ['plain text', 'hello'],
    ['a bare number', '42'],
    ['a raw (not encoded) id', 'ApiKey:1'],
    ['id 0', b64('ApiKey:0')],
    ['a negative id', b64('ApiKey:-1')],
    ['a leading zero', b64('ApiKey:01')],
    ['a fraction', b64('ApiKey:1.5')],
    ['no type', b64(':1')],
    ['no id', b64('ApiKey:')],
    ['extra parts', b64('ApiKey:1:2')],
    ['a type with other characters', b64('Api_Key:1')],
    ['an id too long to be exact', b64('ApiKey:12345678901234567')],
    ['padded base64 (not the canonical form)', Buffer.from('ApiKey:1').toString('base64')],
    ['trailing junk', `${toGlobalId('ApiKey', 1)}!`],
  ])('parses garbage (%s) to undefined', (_label, garbage) => {
    expect(parseGlobalId(garbage)).toBeUndefined();
  });
});

describe('expectGlobalId', () => {
  it('returns the row id for an id of the expected type', () => {
    expect(expectGlobalId(toGlobalId('ApiKey', 12), 'ApiKey', 'id')).toBe(12);
  });

  it('treats an id of another type as NOT_FOUND, so it reveals nothing', () => {
    const error = thrown(() => expectGlobalId(toGlobalId('ScopePolicy', 12), 'ApiKey', 'id'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.extensions.field).toBe('id');
  });

  it('treats garbage as BAD_USER_INPUT naming the field', () => {
    const error = thrown(() => expectGlobalId('not-an-id', 'ScopePolicy', 'policyIds'));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe('policyIds');
    expect(error.message).toContain('policyIds');
  });
});
