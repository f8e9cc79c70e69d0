export { defaultCatalog, loadScopeCatalog, parseScopeCatalog } from './catalog';
export { ScopeEngine, defaultScopeEngine, levenshtein, suggest } from './engine';
export { EffectivePermissions } from './permissions';
export type {
  CatalogScope,
  CompiledRequirement,
  KeyType,
  PermissionInput,
  PolicyGrant,
  PolicyMode,
  ScopeAlternatives,
  ScopeBundle,
  ScopeCatalog,
} from './types';
