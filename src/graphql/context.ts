import type { AuthenticatedKey } from '../auth/authenticator';
import type { Actor } from '../domain/actor';
import type { EffectivePermissions } from '../scopes/engine';
import type { Services } from '../services';
import { createLoaders, type Loaders } from './loaders';

export interface GraphQLContext {
  readonly auth: AuthenticatedKey;
  /** Read by the @requiresScope wrappers: one memoized lookup per check. */
  readonly permissions: EffectivePermissions;
  readonly actor: Actor;
  readonly services: Services;
  readonly loaders: Loaders;
  readonly requestId: string;
}

export interface ViewerModel {
  readonly auth: AuthenticatedKey;
}

export function createContext(services: Services, auth: AuthenticatedKey, requestId: string): GraphQLContext {
  return {
    auth,
    permissions: auth.permissions,
    actor: { kind: 'key', accountId: auth.account.id, keyId: auth.key.id, permissions: auth.permissions },
    services,
    loaders: createLoaders(services, auth.account.id),
    requestId,
  };
}
