import { randomInt } from 'node:crypto';

/**
 * Booking references are read over the phone and typed from paper, so the
 * alphabet leaves out look-alikes (0/O, 1/I/L) and U (no accidental words
 * with a vowel that reads as one). 30^8 ≈ 6.6e11 codes: collisions within an
 * account are rare, and the unique index plus a retry settles them.
 * `randomInt` draws from the CSPRNG without modulo bias, so references are
 * not guessable from one another.
 */
export const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
const LENGTH = 8;

export function newReference(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i += 1) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `BK-${code}`;
}
