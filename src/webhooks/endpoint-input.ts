import { AppError, badInput } from '../errors';
import type { Actor } from '../domain/actor';
import type { WebhookEventCatalog } from './event-catalog';

export interface CreateEndpointInput {
  url: string;
  events: readonly string[];
  description?: string | null;
}

/** Omitted or null leaves a field alone, except `description`, which null clears. */
export interface UpdateEndpointInput {
  url?: string | null;
  events?: readonly string[] | null;
  description?: string | null;
  enabled?: boolean | null;
  rotateSecret?: boolean | null;
  /** How long the old secret keeps signing alongside the new one; 0 to 604800 (7 days), default 86400. */
  secretGraceSeconds?: number | null;
}

export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 1000;
export const DEFAULT_SECRET_GRACE_SECONDS = 24 * 60 * 60;
/** As for rolled API keys: a week is enough to deploy a receiver with the new secret. */
export const MAX_SECRET_GRACE_SECONDS = 7 * 24 * 60 * 60;

export function validateUrlShape(url: string): string {
  const trimmed = url.trim();
  if (trimmed.length === 0) throw badInput('url must not be empty', { field: 'url' });
  if (trimmed.length > MAX_URL_LENGTH) throw badInput(`url must be at most ${MAX_URL_LENGTH} characters`, { field: 'url' });
  return trimmed;
}

export function validateDescription(description: string | null | undefined): string | null {
  const trimmed = description?.trim() ?? '';
  if (trimmed.length > MAX_DESCRIPTION_LENGTH) {
    throw badInput(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters`, { field: 'description' });
  }
  return trimmed.length > 0 ? trimmed : null;
}

export function validateGraceSeconds(value: number | null | undefined): number {
  const grace = value ?? DEFAULT_SECRET_GRACE_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_SECRET_GRACE_SECONDS) {
    throw badInput(`secretGraceSeconds must be a whole number from 0 to ${MAX_SECRET_GRACE_SECONDS} (7 days)`, { field: 'secretGraceSeconds' });
  }
  return grace;
}

/**
 * Contract §7: subscribing needs, on the calling key, the read scope of every
 * event the patterns match (`*` needs them all), so a webhook never carries
 * what its subscriber could not query. Refused as the directive refuses a
 * field: SCOPE_REQUIRED with `requiredScopes` (anyOf form) and
 * `missingScopes`, before anything is written. The operator at the CLI is
 * trusted, as everywhere.
 */
export function assertMaySubscribe(actor: Actor, catalog: WebhookEventCatalog, patterns: readonly string[]): void {
  if (actor.kind !== 'key') return;
  const required = catalog.requiredScopes(patterns);
  const missing = actor.permissions.lacking(required);
  if (missing.length === 0) return;
  const events = catalog.matching(patterns).filter((e) => missing.includes(e.scope)).map((e) => e.name);
  throw new AppError(
    'SCOPE_REQUIRED',
    `Subscribing to ${events.join(', ')} requires ${missing.join(', ')}: a webhook only delivers what its subscribing key may read`,
    { field: 'events', requiredScopes: [required], missingScopes: missing },
  );
}
