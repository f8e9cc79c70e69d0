// Every MySQL/MariaDB migration, oldest first. A new one from `npm run migration:generate` is added here.
import { BuiltInPolicies1795553190000, BuiltInPolicyScopes1795560000000 } from '../built-in-policies';
import { Bookings1795553684798 } from './1795553684798-Bookings';
import { Initial1795553181587 } from './1795553181587-Initial';
import { KeyLifecycle1795554721993 } from './1795554721993-KeyLifecycle';
import { ScopeUsage1795563052061 } from './1795563052061-ScopeUsage';
import { WebhookRetention1795570000000 } from './1795570000000-WebhookRetention';
import { Webhooks1795556229635 } from './1795556229635-Webhooks';

export const mysqlMigrations = [Initial1795553181587, BuiltInPolicies1795553190000, Bookings1795553684798, KeyLifecycle1795554721993, BuiltInPolicyScopes1795560000000, Webhooks1795556229635, ScopeUsage1795563052061, WebhookRetention1795570000000];
