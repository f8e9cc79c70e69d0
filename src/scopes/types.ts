/**
 * Shared vocabulary of the scope layer. This folder is pure: no database, no HTTP,
 * so the engine and the transformer can be tested and benchmarked on their own.
 */

export interface CatalogScope {
  readonly name: string;
  readonly description: string;
  readonly category: string;
  /** Scopes that holding this one also grants (e.g. write -> read, create, update, delete). */
  readonly implies: readonly string[];
}

export interface ScopeBundle {
  readonly name: string;
  readonly description: string;
  /** Scope patterns (may use `R:*`), expanded at check time so editing a bundle changes every key using it. */
  readonly scopes: readonly string[];
}

export interface ScopeCatalog {
  readonly categories: readonly string[];
  readonly scopes: readonly CatalogScope[];
  readonly bundles: readonly ScopeBundle[];
}

export type KeyType = 'SECRET' | 'PUBLISHABLE';
export type PolicyMode = 'ALLOW' | 'DENY';

export interface PolicyGrant {
  readonly mode: PolicyMode;
  readonly scopes: readonly string[];
}

/** Everything that decides what a key may do. */
export interface PermissionInput {
  readonly keyType: KeyType;
  readonly scopes: readonly string[];
  readonly bundles: readonly string[];
  readonly policies: readonly PolicyGrant[];
}

/**
 * A requirement in disjunctive normal form: satisfied when every scope of at least
 * one inner list is held. `@requiresScope(scopes: [a, b])` is `[[a, b]]`.
 */
export type ScopeAlternatives = readonly (readonly string[])[];

/**
 * A requirement compiled once at schema build time. `id` indexes a per-key decision
 * memo so that a check during execution is one array read.
 */
export interface CompiledRequirement {
  readonly id: number;
  readonly anyOf: ScopeAlternatives;
}
