import { badInput } from '../../errors';
import type { ScopeEngine } from '../../scopes/engine';
import type { PolicyMode } from '../../scopes/types';

export interface CreatePolicyInput {
  name: string;
  mode: PolicyMode;
  scopes: readonly string[];
}

/** Omitted or null leaves a field as it is. */
export interface UpdatePolicyInput {
  name?: string | null;
  mode?: PolicyMode | null;
  scopes?: readonly string[] | null;
}

export interface ValidPolicy {
  name: string;
  mode: PolicyMode;
  scopes: string[];
}

/** The scope_policy.name column's length. */
export const MAX_POLICY_NAME = 100;
const MODES: readonly PolicyMode[] = ['ALLOW', 'DENY'];

/** Field-by-field validation with messages that name the field, before anything is read or written. */
export function validatePolicy(engine: ScopeEngine, input: CreatePolicyInput): ValidPolicy {
  const name = input.name.trim();
  if (name.length === 0) throw badInput('name must not be empty', { field: 'name' });
  if (name.length > MAX_POLICY_NAME) throw badInput(`name must be at most ${MAX_POLICY_NAME} characters`, { field: 'name' });
  if (!MODES.includes(input.mode)) throw badInput('mode must be ALLOW or DENY', { field: 'mode' });

  const scopes = [...new Set(input.scopes.map((scope) => scope.trim()))];
  engine.assertValidScopes(scopes, 'scopes');
  // An empty DENY list is "every non-admin scope" (the built-in Full access); an
  // empty ALLOW list grants nothing at all, which is a mistake rather than a policy.
  if (input.mode === 'ALLOW' && scopes.length === 0) {
    throw badInput('an ALLOW policy must list at least one scope', { field: 'scopes' });
  }
  return { name, mode: input.mode, scopes };
}

/** The stored policy with the update applied, validated as a whole (switching to ALLOW with no scopes is refused). */
export function validatePolicyUpdate(engine: ScopeEngine, current: ValidPolicy, input: UpdatePolicyInput): ValidPolicy {
  return validatePolicy(engine, {
    name: input.name ?? current.name,
    mode: input.mode ?? current.mode,
    scopes: input.scopes ?? current.scopes,
  });
}
