import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { HealthProbe } from '../http/health';
import type { CacheInvalidation } from './cache-invalidation';
import { RedisInvalidationBus } from './invalidation-bus';
import { RedisLink, type LinkLog } from './redis-link';

export type ClusterConfig = Pick<Config, 'REDIS_URL' | 'RATE_LIMIT_PREFIX' | 'REDIS_TIMEOUT_MS'>;

/**
 * What several instances share besides the database (README "Running several
 * instances"): with REDIS_URL, one Redis command connection (rate limits,
 * publishing key changes) and one subscriber connection (hearing other
 * instances' key changes). Without it, nothing: this instance is on its own,
 * exactly as a single instance always was.
 */
export interface Cluster {
  /** This process, in invalidation messages and Redis client names. */
  readonly instanceId: string;
  /** The command connection, for the rate limits; undefined without REDIS_URL. */
  readonly redis: RedisLink | undefined;
  /** `/healthz` entries: `redis` (not critical: down means degraded, still 200). */
  readonly probes: readonly HealthProbe[];
  close(): Promise<void>;
}

/** How long start-up waits for Redis, so the first requests already share budgets; after it, the instance starts anyway. */
const CONNECT_WAIT_MS = 2_000;

const SHARED = 'rate limits and key changes are shared with the other instances through Redis';
const FALLBACK =
  'rate limits are counted per instance (in-memory fallback) and API keys are read from the database on every request until Redis returns';

export async function connectCluster(config: ClusterConfig, caches: CacheInvalidation, log: LinkLog): Promise<Cluster> {
  const instanceId = randomUUID();
  if (!config.REDIS_URL) return { instanceId, redis: undefined, probes: [], close: async () => undefined };

  const link = (role: string, consequence: string) =>
    new RedisLink({ url: config.REDIS_URL!, role, timeoutMs: config.REDIS_TIMEOUT_MS, consequence, log, instanceId });
  const commands = link('commands', 'rate limits are counted per instance in memory until it returns');
  const subscriber = link(
    'invalidation',
    'key changes made on other instances cannot be heard, so API keys are read from the database on every request until it returns',
  );
  const bus = new RedisInvalidationBus(caches, commands, subscriber, `${config.RATE_LIMIT_PREFIX}:invalidate`, instanceId, log);
  await Promise.all([commands.whenReady(CONNECT_WAIT_MS), subscriber.whenReady(CONNECT_WAIT_MS)]);

  const probe: HealthProbe = {
    name: 'redis',
    critical: false,
    async check() {
      const answering = await commands.ping();
      const listening = subscriber.ready && caches.cacheTrusted;
      if (answering && listening) return { up: true, detail: SHARED };
      const outage = commands.outage ?? subscriber.outage;
      const since = outage ? ` since ${outage.since.toISOString()} (${outage.reason})` : '';
      return { up: false, detail: `Redis unreachable${since}: ${FALLBACK}` };
    },
  };

  return {
    instanceId,
    redis: commands,
    probes: [probe],
    async close() {
      bus.close();
      await Promise.all([commands.close(), subscriber.close()]);
    },
  };
}
