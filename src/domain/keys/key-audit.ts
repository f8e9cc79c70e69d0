import type { ApiKey, ScopePolicy } from '../../db/entities';

/**
 * What the audit trail records of a key: its public fields, as JSON-ready
 * values. The prefix is public (it is shown on every listing); the secret and
 * its hash are never part of it.
 */
export function auditedFields(key: ApiKey, policies: readonly ScopePolicy[]): Record<string, unknown> {
  return {
    name: key.name,
    type: key.type,
    prefix: key.prefix,
    scopes: key.scopes,
    bundles: key.bundles,
    policyIds: policies.map((p) => p.id).sort((a, b) => a - b),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    ipAllowlist: key.ipAllowlist,
    allowedOrigins: key.allowedOrigins,
  };
}
