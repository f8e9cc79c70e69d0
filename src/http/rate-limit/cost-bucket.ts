import type Redis from 'ioredis';
import type { RedisLink } from '../../cluster/redis-link';

/** A key's bucket after a take: whether the points were taken, and what is left. */
export interface BucketState {
  readonly allowed: boolean;
  /** Points in the bucket now (fractional: it refills continuously). */
  readonly available: number;
}

export interface BucketSettings {
  /** Most points a bucket holds; a new or idle key starts full. */
  readonly size: number;
  /** Points restored per second. */
  readonly restoreRate: number;
}

/**
 * The cost budget (Shopify Admin API style): a leaky bucket of points per key.
 * `take(key, n)` takes n points if the bucket holds that many and takes nothing
 * otherwise; `take(key, 0)` only reads; a negative n gives points back (the
 * unused part of a request's cost), never past the bucket's size. All or
 * nothing, so concurrent requests can never overdraw a bucket.
 */
export interface CostBucket {
  take(key: string, points: number): Promise<BucketState>;
}

interface Level {
  points: number;
  at: number;
}

/** One process's buckets. Full buckets are forgotten, so memory follows the keys in use. */
export class MemoryCostBucket implements CostBucket {
  private readonly levels = new Map<string, Level>();

  constructor(
    private readonly settings: BucketSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, points: number): Promise<BucketState> {
    const now = this.now();
    if (this.levels.size > 10_000) this.sweep(now);
    const previous = this.levels.get(key);
    let available = previous ? this.refilled(previous, now) : this.settings.size;
    const allowed = points <= available;
    if (allowed) available = Math.min(this.settings.size, available - points);
    if (available >= this.settings.size) this.levels.delete(key);
    else this.levels.set(key, { points: available, at: now });
    return { allowed, available };
  }

  private refilled(level: Level, now: number): number {
    return Math.min(this.settings.size, level.points + ((now - level.at) / 1000) * this.settings.restoreRate);
  }

  private sweep(now: number): void {
    for (const [key, level] of this.levels) {
      if (this.refilled(level, now) >= this.settings.size) this.levels.delete(key);
    }
  }
}

/**
 * The same bucket in Redis, one hash per key, read and written by one Lua
 * script so that instances sharing the Redis share each key's bucket exactly.
 * Time is Redis's own (TIME), so instances with skewed clocks agree. A full
 * bucket's hash expires, as the memory one forgets it.
 */
const TAKE_SCRIPT = `
local size = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local level = redis.call('HMGET', KEYS[1], 'p', 't')
local points = size
if level[1] and level[2] then
  points = math.min(size, tonumber(level[1]) + (now - tonumber(level[2])) * rate / 1000)
end
local allowed = 0
if cost <= points then
  points = math.min(size, points - cost)
  allowed = 1
end
redis.call('HSET', KEYS[1], 'p', tostring(points), 't', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((size - points) * 1000 / rate) + 1000)
return {allowed, tostring(points)}
`;

type ScriptClient = Redis & { scopeqlCostTake(key: string, size: number, rate: number, cost: number): Promise<[number, string]> };

/**
 * Redis when it answers; otherwise the `insurance` bucket of this process, so
 * that a Redis outage degrades to per-instance limits instead of failing
 * requests (as rate-limiter-flexible's insuranceLimiter does for the request budget).
 */
export class RedisCostBucket implements CostBucket {
  private readonly client: ScriptClient;

  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly settings: BucketSettings,
    private readonly insurance: CostBucket,
    private readonly onFault: (error: unknown) => void,
  ) {
    link.client.defineCommand('scopeqlCostTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.client = link.client as ScriptClient;
  }

  async take(key: string, points: number): Promise<BucketState> {
    if (!this.link.ready) return this.insurance.take(key, points);
    try {
      const [allowed, available] = await this.client.scopeqlCostTake(
        `${this.prefix}:${key}`,
        this.settings.size,
        this.settings.restoreRate,
        points,
      );
      return { allowed: allowed === 1, available: Number(available) };
    } catch (error) {
      this.onFault(error);
      return this.insurance.take(key, points);
    }
  }
}
