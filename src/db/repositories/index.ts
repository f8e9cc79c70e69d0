import type { DataSource } from 'typeorm';
import { AccountRepository } from './account-repository';
import { ApiKeyRepository } from './api-key-repository';
import { PolicyRepository } from './policy-repository';

export { AccountRepository, ApiKeyRepository, PolicyRepository };
export type { KeyBySecret, KeyStatusFilter } from './api-key-repository';

export interface Repositories {
  accounts: AccountRepository;
  apiKeys: ApiKeyRepository;
  policies: PolicyRepository;
}

export function createRepositories(dataSource: DataSource): Repositories {
  return {
    accounts: new AccountRepository(dataSource),
    apiKeys: new ApiKeyRepository(dataSource),
    policies: new PolicyRepository(dataSource),
  };
}
