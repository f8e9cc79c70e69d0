import type { ApiKey, ScopePolicy } from '../../db/entities';
import { AppError } from '../../errors';
import type { ScopeEngine } from '../../scopes/engine';
import type { PermissionInput } from '../../scopes/types';
import type { Actor } from '../actor';

export type KeyAction = 'update' | 'roll' | 'revoke' | 'delete';

/** A key's permission input as stored. */
export function permissionInputOf(key: ApiKey, policies: readonly ScopePolicy[]): PermissionInput {
  return { keyType: key.type, scopes: key.scopes, bundles: key.bundles, policies };
}

/**
 * No escalation (contract section 4, issue 5 rule 4): a caller grants only
 * what its own effective permission holds, only `admin` grants `admin` (it is
 * a scope like any other here, so only a holder has it), and a caller acts
 * only on keys that hold no more than it does. The operator at the CLI is
 * trusted and passes.
 */
export class KeyAuthority {
  constructor(private readonly engine: ScopeEngine) {}

  /**
   * For a new or changed key. `given` is what the caller names (its grants
   * are checked, as on create); `resulting` is the key as it will be, whose
   * effective permission must be held too, because taking a DENY policy off
   * a key grants what that policy denied without naming any new scope.
   * A publishable key must stay read-only.
   */
  assertMayGrant(actor: Actor, given: PermissionInput, resulting: PermissionInput = given): void {
    if (resulting.keyType === 'PUBLISHABLE') this.engine.assertReadOnly(resulting);
    const wanted = new Set([...this.engine.grantsOf(given), ...this.engine.permissionsFor(resulting).scopes]);
    this.refuseMissing(actor, wanted, (missing) => `You cannot grant scopes your own key does not hold: ${missing}`);
  }

  /** A key that holds more than the caller is out of its reach, whatever the change. */
  assertMayActOn(actor: Actor, key: ApiKey, policies: readonly ScopePolicy[], action: KeyAction): void {
    const held = this.engine.permissionsFor(permissionInputOf(key, policies)).scopes;
    this.refuseMissing(actor, held, (missing) => `You cannot ${action} a key that holds scopes your own key does not: ${missing}`);
  }

  private refuseMissing(actor: Actor, wanted: Iterable<string>, message: (missing: string) => string): void {
    if (actor.kind === 'operator') return;
    const missing = actor.permissions.lacking(wanted);
    if (missing.length === 0) return;
    throw new AppError('SCOPE_REQUIRED', message(missing.join(', ')), { requiredScopes: [missing], missingScopes: missing });
  }
}
