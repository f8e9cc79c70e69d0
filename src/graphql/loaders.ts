import DataLoader from 'dataloader';
import type { ApiKey, ScopePolicy } from '../db/entities';
import type { Services } from '../services';

/**
 * Per-request DataLoaders: a list of N keys costs one query per relation, not N.
 * They are made per request so one caller's rows are never served to another.
 */
export interface Loaders {
  policiesOfKey: DataLoader<number, ScopePolicy[]>;
  keyInAccount: DataLoader<number, ApiKey | null>;
}

export function createLoaders(services: Services, accountId: number): Loaders {
  return {
    policiesOfKey: new DataLoader(async (ids) => {
      const byKey = await services.repos.apiKeys.policiesOfKeys(ids);
      return ids.map((id) => byKey.get(id) ?? []);
    }),
    keyInAccount: new DataLoader(async (ids) =>
      Promise.all(ids.map((id) => services.repos.apiKeys.findInAccount(accountId, id))),
    ),
  };
}
