import { compileAllowlist, normalizeAllowlist } from '../../src/auth/ip-allowlist';
import { AppError } from '../../src/errors';

function rejection(entries: string[]): AppError {
  try {
    normalizeAllowlist(entries);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`normalizeAllowlist accepted ${JSON.stringify(entries)}`);
}

describe('normalizeAllowlist', () => {
  it('accepts IPv4, IPv6 and CIDR entries and trims them', () => {
    expect(normalizeAllowlist([' 203.0.113.7', '10.0.0.0/8 ', '2001:db8::/32', '::1', '0.0.0.0/0'])).toEqual([
      '203.0.113.7',
      '10.0.0.0/8',
      '2001:db8::/32',
      '::1',
      '0.0.0.0/0',
    ]);
  });

  it('rejects every bad entry at once with BAD_USER_INPUT, listing them and naming the field', () => {
    const bad = ['999.1.1.1', '10.0.0.0/33', 'abc', '1.2.3.4/8/1'];
    const error = rejection(['10.0.0.1', ...bad]);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toMatchObject({ field: 'ipAllowlist', invalid: bad });
    for (const entry of bad) expect(error.message).toContain(`"${entry}"`);
    expect(error.message).not.toContain('"10.0.0.1"');
  });

  it.each(['', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/ 8', '10.0.0.0/0008', '::1/129', '10.0.0.0/8.5', '10.0.0', 'localhost', '*'])(
    'rejects %j',
    (entry) => {
      expect(rejection([entry]).extensions.invalid).toEqual([entry]);
    },
  );

  it('names the field it was called for', () => {
    try {
      normalizeAllowlist(['nope'], 'allowedNetworks');
      throw new Error('accepted');
    } catch (error) {
      expect((error as AppError).extensions.field).toBe('allowedNetworks');
    }
  });
});

describe('compileAllowlist', () => {
  const allowed = compileAllowlist(['203.0.113.7', '10.0.0.0/8', '2001:db8::/32', '::1']);

  it.each<[string, boolean]>([
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['11.0.0.1', false],
    ['9.255.255.255', false],
    ['2001:db8::1', true],
    ['2001:0db8:ffff::42', true],
    ['2001:db9::1', false],
    ['::1', true],
    ['::2', false],
    // Dual-stack sockets report IPv4 clients this way; they must match IPv4 entries.
    ['::ffff:10.1.2.3', true],
    ['::ffff:203.0.113.7', true],
    ['::ffff:11.1.2.3', false],
    ['', false],
    ['not an address', false],
  ])('%j -> %s', (address, expected) => {
    expect(allowed(address)).toBe(expected);
  });

  it('an IPv4 range does not admit IPv6 addresses that merely look alike', () => {
    expect(compileAllowlist(['10.0.0.0/8'])('::a00:1')).toBe(false);
  });

  it('skips stored entries that no longer parse instead of widening access', () => {
    const matcher = compileAllowlist(['garbage', '10.0.0.0/99', '192.0.2.1']);
    expect(matcher('192.0.2.1')).toBe(true);
    expect(matcher('10.0.0.1')).toBe(false);
  });
});
