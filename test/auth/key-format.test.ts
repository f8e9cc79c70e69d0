import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { DISPLAY_PREFIX_LENGTH, displayPrefix, generateKey, hashKey, parseKey } from '../../src/auth/key-format';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_LENGTH = 6;

/**
 * The checksum as contract section 4 states it (base62 CRC32 of everything before it,
 * 6 characters, most significant first), written out independently so that shapes the
 * parser must refuse can carry a *valid* checksum: only then does a test prove the
 * shape check, not the checksum, rejected them.
 */
function withChecksum(head: string): string {
  let rest = crc32(head);
  let sum = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    sum = ALPHABET[rest % 62] + sum;
    rest = Math.floor(rest / 62);
  }
  return head + sum;
}

/** Replaces the character at `index` with another base62 character. */
function flip(key: string, index: number): string {
  const current = ALPHABET.indexOf(key[index]!);
  return key.slice(0, index) + ALPHABET[(current + 1) % 62] + key.slice(index + 1);
}

const BODY = 'a'.repeat(16) + 'Z9'.repeat(8); // 32 base62 characters

describe('generateKey', () => {
  it.each([
    ['SECRET', /^sk_live_[0-9A-Za-z]{38}$/],
    ['PUBLISHABLE', /^pk_live_[0-9A-Za-z]{38}$/],
  ] as const)('makes a %s key that parses back to its type', (type, shape) => {
    const key = generateKey(type);
    expect(key).toMatch(shape);
    expect(parseKey(key)).toBe(type);
  });

  it('ends with the documented CRC32 checksum, so secret scanners can verify keys offline', () => {
    const key = generateKey('SECRET');
    expect(withChecksum(key.slice(0, -CHECKSUM_LENGTH))).toBe(key);
  });

  it('never repeats itself over 1000 keys', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateKey('SECRET')));
    expect(keys.size).toBe(1000);
  });

  it('uses the whole alphabet (the body is random, not a fixed pattern)', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generateKey('SECRET').slice(8, 40)).join(''));
    expect(seen.size).toBe(62);
  });
});

describe('parseKey rejects', () => {
  it.each([
    ['an empty string', ''],
    ['a test-mode prefix', withChecksum(`sk_test_${BODY}`)],
    ['an unknown type prefix', withChecksum(`rk_live_${BODY}`)],
    ['an upper-case prefix', withChecksum(`SK_LIVE_${BODY}`)],
    ['a body one character short', withChecksum(`sk_live_${BODY.slice(1)}`)],
    ['a body one character long', withChecksum(`sk_live_${BODY}x`)],
    ['a non-base62 character in the body', withChecksum(`sk_live_${BODY.slice(1)}-`)],
    ['a space in the body', withChecksum(`sk_live_${BODY.slice(1)} `)],
    ['surrounding whitespace', ` ${withChecksum(`sk_live_${BODY}`)}`],
    ['a Bearer header instead of a key', `Bearer ${withChecksum(`sk_live_${BODY}`)}`],
  ])('%s', (_label, raw) => {
    expect(parseKey(raw)).toBeUndefined();
  });

  it('accepts the well-formed control case the rows above are built from', () => {
    expect(parseKey(withChecksum(`sk_live_${BODY}`))).toBe('SECRET');
    expect(parseKey(withChecksum(`pk_live_${BODY}`))).toBe('PUBLISHABLE');
  });

  it('a key with any one checksum character changed', () => {
    const key = generateKey('SECRET');
    for (let i = key.length - CHECKSUM_LENGTH; i < key.length; i++) expect(parseKey(flip(key, i))).toBeUndefined();
  });

  it('a key with any one body character changed (a typo never passes as another key)', () => {
    const key = generateKey('PUBLISHABLE');
    for (let i = 'pk_live_'.length; i < key.length - CHECKSUM_LENGTH; i++) expect(parseKey(flip(key, i))).toBeUndefined();
  });

  it('a secret key relabelled as publishable, or the reverse', () => {
    const key = generateKey('SECRET');
    expect(parseKey(`p${key.slice(1)}`)).toBeUndefined();
  });
});

describe('hashKey and displayPrefix', () => {
  it('hashKey is the SHA-256 hex digest of the whole key', () => {
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const key = generateKey('SECRET');
    expect(hashKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('displayPrefix is the first 12 characters: the type and 4 random characters, never the checksum', () => {
    const key = generateKey('SECRET');
    expect(DISPLAY_PREFIX_LENGTH).toBe(12);
    expect(displayPrefix(key)).toBe(key.slice(0, 12));
    expect(displayPrefix(key)).toMatch(/^sk_live_[0-9A-Za-z]{4}$/);
  });
});
