import { randomBytes } from 'node:crypto';

/**
 * Endpoint signing secrets, in the Standard Webhooks format: `whsec_` + base64
 * of the key bytes (the `standardwebhooks` package strips the prefix and
 * base64-decodes the rest). The spec allows 24 to 64 bytes; 32 is the HMAC-
 * SHA256 block-size sweet spot and what Svix issues.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_SECRET_BYTES = 32;

export function newWebhookSecret(bytes = WEBHOOK_SECRET_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < 24 || bytes > 64) throw new RangeError('a webhook secret is 24 to 64 bytes');
  return WEBHOOK_SECRET_PREFIX + randomBytes(bytes).toString('base64');
}
