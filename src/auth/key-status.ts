import type { ApiKey } from '../db/entities';

export type ApiKeyStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

/** Derived, never stored: a stored status would go stale the moment expiresAt passes. */
export function keyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyStatus {
  if (key.revokedAt) return 'REVOKED';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}
