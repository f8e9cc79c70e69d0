import { once } from 'node:events';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuthenticatedKey } from '../../auth/authenticator';
import type { Config } from '../../config';
import { MemoryCostBucket, RedisCostBucket, type CostBucket } from './cost-bucket';
import type { CostSettings } from './cost-plugin';

export type RateLimitConfig = Pick<
  Config,
  | 'RATE_LIMIT_REQUESTS'
  | 'RATE_LIMIT_WINDOW_SECONDS'
  | 'RATE_LIMIT_UNAUTHENTICATED'
  | 'COST_BUCKET_SIZE'
  | 'COST_RESTORE_RATE'
  | 'REDIS_URL'
  | 'RATE_LIMIT_PREFIX'
>;

/** The error every throttled request gets: 429, Retry-After in whole seconds, and the RateLimit-* headers given. */
export function rateLimited(message: string, retryAfterMs: number, headers: Record<string, string> = {}): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GraphQLError(message, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: retryAfter,
      http: { status: 429, headers: new Map(Object.entries({ ...headers, 'retry-after': String(retryAfter) })) },
    },
  });
}

/** IETF draft-ietf-httpapi-ratelimit-headers (the separate-fields form): the limit, what is left, seconds until the window resets. */
function budgetHeaders(limit: number, res: RateLimiterRes): Record<string, string> {
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(Math.max(0, res.remainingPoints)),
    'ratelimit-reset': String(Math.max(0, Math.ceil(res.msBeforeNext / 1000))),
  };
}

/**
 * The three limits of issue 7 item 2, in memory by default and in Redis when
 * REDIS_URL is set (then shared by every instance; on a Redis fault each falls
 * back to an in-memory limiter, so requests are still served, limited per
 * instance):
 *
 * - failed authentications per client address (`request.ip`), checked before
 *   the key is, so guessing keys is throttled;
 * - requests per key per window;
 * - the cost bucket, used by the Apollo plugin in `cost-plugin.ts`.
 */
export class RateLimits {
  readonly bucket: CostBucket;
  private readonly perKey: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;
  private lastFaultLog = 0;

  private constructor(
    readonly config: RateLimitConfig,
    private readonly log: FastifyBaseLogger,
    private readonly redis: Redis | undefined,
  ) {
    const window = config.RATE_LIMIT_WINDOW_SECONDS;
    const prefix = config.RATE_LIMIT_PREFIX;
    const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: window });
      if (!redis) return memory;
      return new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration: window,
        // Not connected: go straight to the insurance limiter rather than wait.
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      });
    };
    this.perKey = limiter(`${prefix}:rl:key`, config.RATE_LIMIT_REQUESTS);
    this.perAddress = limiter(`${prefix}:rl:addr`, config.RATE_LIMIT_UNAUTHENTICATED);
    const settings = { size: config.COST_BUCKET_SIZE, restoreRate: config.COST_RESTORE_RATE };
    const memoryBucket = new MemoryCostBucket(settings);
    this.bucket = redis
      ? new RedisCostBucket(redis, `${prefix}:rl:cost`, settings, memoryBucket, (error) => this.fault(error))
      : memoryBucket;
  }

  /** What the cost plugin needs: the bucket and its settings. */
  get cost(): CostSettings {
    return { bucket: this.bucket, size: this.config.COST_BUCKET_SIZE, restoreRate: this.config.COST_RESTORE_RATE };
  }

  /** Connects to Redis when configured, waiting a moment for it so the first requests share budgets; never fails. */
  static async create(config: RateLimitConfig, log: FastifyBaseLogger): Promise<RateLimits> {
    if (!config.REDIS_URL) return new RateLimits(config, log, undefined);
    const redis = new Redis(config.REDIS_URL, {
      // Fail fast while disconnected (the insurance limiters answer), never queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
    });
    const limits = new RateLimits(config, log, redis);
    redis.on('error', (error) => limits.fault(error));
    const timeout = new AbortController();
    const wait = setTimeout(() => timeout.abort(), 2_000);
    await Promise.race([once(redis, 'ready', { signal: timeout.signal }), once(redis, 'error', { signal: timeout.signal })]).catch(
      () => undefined,
    );
    clearTimeout(wait);
    timeout.abort();
    return limits;
  }

  /**
   * Authenticates with `authenticate`, throttling failures per client address.
   * An address that has used up RATE_LIMIT_UNAUTHENTICATED failed
   * authentications in the window gets 429 for every request, valid key or not
   * (otherwise a 200 among 429s would still tell a guesser which key is real).
   * Only 401s count: a valid key spends its own budget.
   */
  async authenticate(request: FastifyRequest, authenticate: () => Promise<AuthenticatedKey>): Promise<AuthenticatedKey> {
    const address = request.ip;
    const limit = this.config.RATE_LIMIT_UNAUTHENTICATED;
    const seen = await this.perAddress.get(address).catch((error: unknown) => this.fault(error));
    if (seen && seen.consumedPoints > limit) {
      throw rateLimited('Too many failed authentications from this address', seen.msBeforeNext, budgetHeaders(limit, seen));
    }
    try {
      return await authenticate();
    } catch (error) {
      if (httpStatusOf(error) !== 401) throw error;
      const res = await this.perAddress.consume(address).catch((rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) {
          throw rateLimited('Too many failed authentications from this address', rejection.msBeforeNext, budgetHeaders(limit, rejection));
        }
        this.fault(rejection);
      });
      if (res && error instanceof GraphQLError) addHeaders(error, budgetHeaders(limit, res));
      throw error;
    }
  }

  /** Spends one request of the key's budget: RateLimit-* headers on the reply, or 429 when none is left. */
  async admit(auth: AuthenticatedKey, reply: FastifyReply): Promise<void> {
    const limit = this.config.RATE_LIMIT_REQUESTS;
    try {
      const res = await this.perKey.consume(String(auth.key.id));
      void reply.headers(budgetHeaders(limit, res));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return void this.fault(rejection);
      throw rateLimited(
        `Rate limit of ${limit} requests per ${this.config.RATE_LIMIT_WINDOW_SECONDS} s exceeded`,
        rejection.msBeforeNext,
        budgetHeaders(limit, rejection),
      );
    }
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }

  /** A store fault: requests go on (insurance limiters), the log says so at most every 10 s. */
  private fault(error: unknown): undefined {
    const now = Date.now();
    if (now - this.lastFaultLog >= 10_000) {
      this.lastFaultLog = now;
      this.log.warn({ err: error }, 'rate limit store unavailable; limiting per instance in memory');
    }
    return undefined;
  }
}

function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const http = error.extensions.http as { status?: number } | undefined;
  return http?.status;
}

function addHeaders(error: GraphQLError, headers: Record<string, string>): void {
  const http = error.extensions.http as { headers?: Map<string, string> } | undefined;
  if (!http?.headers) return;
  for (const [name, value] of Object.entries(headers)) http.headers.set(name, value);
}
