import type { ApiKey, ScopePolicy } from '../../db/entities';
import { AppError, badInput, isAppError } from '../../errors';
import type { EffectivePermissions, ScopeEngine } from '../../scopes/engine';
import type { PolicyGrant } from '../../scopes/types';
import type { Actor } from '../actor';

/**
 * The rules a policy change must keep (contract sections 1 and 4), as pure
 * functions of the engine, the caller and the keys involved, so the service
 * reads as "load, check, write".
 */

const ADMIN = 'admin';

export type KeyWithPolicies = ApiKey & { policies: readonly ScopePolicy[] };

/**
 * What a policy hands any key that holds it: an ALLOW policy its scopes
 * expanded, a DENY policy every non-admin scope. `admin` named in either mode
 * counts as granted: only an admin may put `admin` in a policy, even to deny it,
 * so that nobody else can write rules about the one scope they lack.
 */
export function grantsOfPolicy(engine: ScopeEngine, policy: PolicyGrant): ReadonlySet<string> {
  const granted = new Set(engine.grantsOf({ keyType: 'SECRET', scopes: [], bundles: [], policies: [policy] }));
  if (policy.scopes.includes(ADMIN)) granted.add(ADMIN);
  return granted;
}

/** No escalation: a caller puts in a policy only what its own key holds. */
export function assertMayGrant(engine: ScopeEngine, actor: Actor, policy: PolicyGrant): void {
  requireHeld(engine, actor, grantsOfPolicy(engine, policy), (missing) =>
    `You cannot put in a policy scopes your own key does not hold: ${missing.join(', ')}`,
  );
}

/**
 * As for keys ("a key cannot update or revoke a key that holds more than it
 * does"): changing or deleting a policy needs everything it currently grants.
 */
export function assertMayChange(engine: ScopeEngine, actor: Actor, policy: PolicyGrant): void {
  requireHeld(engine, actor, grantsOfPolicy(engine, policy), (missing) =>
    `You cannot change a policy that grants scopes your own key does not hold: ${missing.join(', ')}`,
  );
}

/**
 * Editing a policy changes every key that holds it. Checking the policy's own
 * grants is not enough: lifting a deny can hand a key back a compound scope
 * (`admin`, `customers:write`) its other grants carry. So whatever any live key
 * would gain must be held by the caller too.
 */
export function assertKeysGainOnlyHeld(
  engine: ScopeEngine,
  actor: Actor,
  keys: readonly KeyWithPolicies[],
  replaced: ScopePolicy,
): void {
  const gained = new Set<string>();
  for (const key of live(keys)) {
    for (const scope of gainedScopes(engine, key, withReplaced(key.policies, replaced))) gained.add(scope);
  }
  requireHeld(engine, actor, gained, (missing) =>
    `This change would give keys that hold the policy scopes your own key does not hold: ${missing.join(', ')}`,
  );
}

/** A publishable key holds read scopes only, also when a policy it holds is edited (contract section 1). */
export function assertPublishableStayReadOnly(engine: ScopeEngine, keys: readonly KeyWithPolicies[], replaced: ScopePolicy): void {
  for (const key of live(keys)) {
    if (key.type !== 'PUBLISHABLE') continue;
    try {
      engine.assertReadOnly({ ...permissionInput(key), policies: withReplaced(key.policies, replaced) });
    } catch (error) {
      if (!isAppError(error)) throw error;
      throw badInput(`Publishable key ${key.prefix} ("${key.name}") holds this policy. ${error.message}`, {
        ...error.extensions,
        field: 'scopes',
      });
    }
  }
}

/**
 * Contract section 1: a forced delete removes the policy's grants and never
 * falls back to more access. Detaching an ALLOW policy only narrows, but
 * detaching a DENY policy also lifts its denies; these are the live keys for
 * which that would add a scope, with what each would gain.
 */
export function keysWidenedByDetaching(
  engine: ScopeEngine,
  keys: readonly KeyWithPolicies[],
  policyId: number,
): { key: KeyWithPolicies; gained: string[] }[] {
  return live(keys)
    .map((key) => ({ key, gained: gainedScopes(engine, key, key.policies.filter((p) => p.id !== policyId)) }))
    .filter(({ gained }) => gained.length > 0);
}

/** Scopes the key would hold with `policies` instead of its own, and does not hold now. */
function gainedScopes(engine: ScopeEngine, key: KeyWithPolicies, policies: readonly PolicyGrant[]): string[] {
  const now: EffectivePermissions = engine.permissionsFor(permissionInput(key));
  return engine.permissionsFor({ ...permissionInput(key), policies }).list().filter((scope) => !now.has(scope));
}

function permissionInput(key: KeyWithPolicies) {
  return { keyType: key.type, scopes: key.scopes, bundles: key.bundles, policies: key.policies };
}

function withReplaced(policies: readonly ScopePolicy[], replaced: ScopePolicy): ScopePolicy[] {
  return policies.map((p) => (p.id === replaced.id ? replaced : p));
}

/** A revoked key never authenticates again (revocation is permanent), so what it would hold does not matter. */
function live(keys: readonly KeyWithPolicies[]): KeyWithPolicies[] {
  return keys.filter((key) => !key.revokedAt);
}

function requireHeld(engine: ScopeEngine, actor: Actor, wanted: ReadonlySet<string>, message: (missing: string[]) => string): void {
  if (actor.kind === 'operator') return;
  const lacking = new Set(actor.permissions.lacking(wanted));
  if (lacking.size === 0) return;
  const missing = [...engine.scopeNames.filter((s) => lacking.has(s)), ...[...lacking].filter((s) => !engine.scopeNames.includes(s))];
  throw new AppError('SCOPE_REQUIRED', message(missing), { requiredScopes: [missing], missingScopes: missing });
}
