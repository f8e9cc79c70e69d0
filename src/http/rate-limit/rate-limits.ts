import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuthenticatedKey } from '../../auth/authenticator';
import type { RedisLink } from '../../cluster/redis-link';
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
  | 'REDIS_TIMEOUT_MS'
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

  /** `redis`: the cluster's command connection (src/cluster), when REDIS_URL is set. */
  constructor(
    readonly config: RateLimitConfig,
    private readonly log: FastifyBaseLogger,
    private readonly redis?: RedisLink,
  ) {
    const window = config.RATE_LIMIT_WINDOW_SECONDS;
    const prefix = config.RATE_LIMIT_PREFIX;
    const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
      if (!redis) return new RateLimiterMemory({ keyPrefix, points, duration: window });
      return new RateLimiterRedis({
        storeClient: redis.client,
        keyPrefix,
        points,
        duration: window,
        // Not connected: go straight to the insurance limiter rather than wait.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new InsuranceLimiter({ keyPrefix, points, duration: window }, () => this.fellBack()),
      });
    };
    this.perKey = limiter(`${prefix}:rl:key`, config.RATE_LIMIT_REQUESTS);
    this.perAddress = limiter(`${prefix}:rl:addr`, config.RATE_LIMIT_UNAUTHENTICATED);
    const settings = { size: config.COST_BUCKET_SIZE, restoreRate: config.COST_RESTORE_RATE };
    const memoryBucket = new MemoryCostBucket(settings);
    this.bucket = redis
      ? new RedisCostBucket(redis, `${prefix}:rl:cost`, settings, memoryBucket, (error) => {
          redis.failed(error);
          this.fault(error);
        })
      : memoryBucket;
  }

  /** What the cost plugin needs: the bucket and its settings. */
  get cost(): CostSettings {
    return { bucket: this.bucket, size: this.config.COST_BUCKET_SIZE, restoreRate: this.config.COST_RESTORE_RATE };
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

  /**
   * An insurance limiter answered. While the link is down that is expected (the
   * link logged the outage once); while it is up, Redis just failed a command:
   * a PING finds out whether the connection is dead (and drops it if so).
   */
  private fellBack(): void {
    if (!this.redis?.ready) return;
    void this.redis.ping();
    this.fault(new Error('a rate limit command failed while Redis seemed reachable'));
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

/**
 * The in-memory limiter a Redis limiter falls back on (rate-limiter-flexible's
 * insuranceLimiter), telling the caller each time it is used.
 */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly used: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): Promise<RateLimiterRes> {
    this.used();
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>): Promise<RateLimiterRes | null> {
    this.used();
    return super.get(...args);
  }
}
