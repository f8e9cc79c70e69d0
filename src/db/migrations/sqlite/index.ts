// Every SQLite migration, oldest first. A new one from `npm run migration:generate` is added here.
import { BuiltInPolicies1795553190000, BuiltInPolicyScopes1795560000000 } from '../built-in-policies';
import { Bookings1795553686957 } from './1795553686957-Bookings';
import { Initial1795553182845 } from './1795553182845-Initial';
import { KeyLifecycle1795554724178 } from './1795554724178-KeyLifecycle';
import { ScopeUsage1795563052061 } from './1795563052061-ScopeUsage';
import { WebhookRetention1795570000000 } from './1795570000000-WebhookRetention';
import { Webhooks1795556219573 } from './1795556219573-Webhooks';

export const sqliteMigrations = [Initial1795553182845, BuiltInPolicies1795553190000, Bookings1795553686957, KeyLifecycle1795554724178, BuiltInPolicyScopes1795560000000, Webhooks1795556219573, ScopeUsage1795563052061, WebhookRetention1795570000000];
