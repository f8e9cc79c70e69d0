import type { ScopeEngine } from '../../scopes/engine';
import { minimalScopes } from '../../scopes/minimal-scopes';
import type { EffectivePermissions } from '../../scopes/permissions';

/** `ApiKey.scopeUsage` (issue 9): what a key's requests needed over a window, against what it holds now. */
export interface ScopeUsage {
  readonly usedScopes: string[];
  readonly unusedScopes: string[];
  readonly suggestedScopes: string[];
  readonly requestCount: number;
}

/** What a key's rows of a window say, before it is compared with the key's scopes. */
export interface NeededScopes {
  /** Every scope some request recorded in `scopesUsed`. */
  readonly needed: ReadonlySet<string>;
  /** Rows that recorded a `scopesUsed` list. */
  readonly requests: number;
}

export const NOTHING_NEEDED: NeededScopes = Object.freeze({ needed: new Set<string>(), requests: 0 });

/**
 * Granted means the key's effective scopes now (`effectiveScopes`: bundles,
 * policies and implications expanded, denies applied), so `usedScopes` and
 * `unusedScopes` split that list exactly, in its order. A request records the
 * concrete scopes it used (`bookings:create`, not the `bookings:write` that
 * implied it), so a key holding `bookings:write` that only ever booked shows
 * `bookings:write` as unused and is suggested `bookings:create, bookings:read`.
 * A scope needed in the window that the key no longer holds is neither: the
 * suggestion never adds back what was taken away.
 */
export function scopeUsageReport(engine: ScopeEngine, permissions: EffectivePermissions, window: NeededScopes): ScopeUsage {
  const granted = permissions.list();
  const usedScopes = granted.filter((scope) => window.needed.has(scope));
  const unusedScopes = granted.filter((scope) => !window.needed.has(scope));
  const suggestedScopes = minimalScopes(
    usedScopes.map((scope) => [[scope]]),
    { grants: (scope) => engine.expandGrant(scope), order: engine.scopeNames },
  ).scopes;
  return { usedScopes, unusedScopes, suggestedScopes, requestCount: window.requests };
}
