import { hash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { KeyType } from '../scopes/types';

/**
 * Key format (contract section 4): `sk_live_` | `pk_live_`, 32 base62 characters
 * from a CSPRNG (~190 bits), then a 6-character base62 CRC32 of everything before
 * it. The checksum lets us reject typos and scanner noise without touching the
 * database, and lets secret scanners recognise our keys with few false positives
 * (the same reason GitHub's tokens carry one).
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
export const DISPLAY_PREFIX_LENGTH = 12;

const PREFIXES: Record<KeyType, string> = { SECRET: 'sk_live_', PUBLISHABLE: 'pk_live_' };
const KEY_PATTERN = /^(sk|pk)_live_[0-9A-Za-z]{38}$/;

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

function checksum(text: string): string {
  return base62(crc32(text), CHECKSUM_LENGTH);
}

export function generateKey(type: KeyType): string {
  let body = PREFIXES[type];
  // randomInt draws without modulo bias, unlike mapping random bytes % 62.
  for (let i = 0; i < BODY_LENGTH; i++) body += ALPHABET[randomInt(62)];
  return body + checksum(body);
}

/** The key's type when its shape and checksum are right; undefined otherwise. */
export function parseKey(raw: string): KeyType | undefined {
  if (!KEY_PATTERN.test(raw)) return undefined;
  const head = raw.slice(0, -CHECKSUM_LENGTH);
  if (checksum(head) !== raw.slice(-CHECKSUM_LENGTH)) return undefined;
  return raw.startsWith('sk_') ? 'SECRET' : 'PUBLISHABLE';
}

/**
 * SHA-256 is enough here, unlike for passwords: keys carry ~190 bits of entropy,
 * so a slow hash buys nothing, and a fast one keeps lookups by unique index cheap.
 */
export function hashKey(key: string): string {
  // One-shot crypto.hash (Node 20.12+): a third of createHash's time, on every request.
  return hash('sha256', key, 'hex');
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

const KEY_LIKE = /(sk|pk)_live_[0-9A-Za-z]+/g;

/**
 * Anything key-shaped in `text` cut to its display prefix, valid or not: for
 * log lines that carry client input, such as a URL a client pasted a key into.
 */
export function maskKeys(text: string): string {
  return text.replace(KEY_LIKE, (key) => `${displayPrefix(key)}[redacted]`);
}
