import { Account } from './account';
import { ApiKey } from './api-key';
import { ApiKeySecret } from './api-key-secret';
import { ScopePolicy } from './scope-policy';

export { Account, ApiKey, ApiKeySecret, ScopePolicy };
export const entities = [Account, ApiKey, ApiKeySecret, ScopePolicy];
