import type { EffectivePermissions } from '../scopes/engine';

/**
 * Who asks a service to act. An API key is bound by its own permissions (no
 * escalation); the operator at the CLI holds the machine and is trusted, the
 * way a database superuser is.
 */
export type Actor =
  | { readonly kind: 'key'; readonly accountId: number; readonly keyId: number; readonly permissions: EffectivePermissions }
  | { readonly kind: 'operator'; readonly accountId: number };
