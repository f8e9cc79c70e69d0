import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_SECONDS, parseRetrySchedule } from './webhooks/delivery/schedule';

/**
 * The environment, parsed and validated once. A bad value stops the process
 * with a message naming the variable (contract section 6), rather than
 * surfacing later as an odd runtime failure.
 */
const booleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const databaseUrl = z
  .string()
  .refine((v) => /^mysql:\/\/[^/]+\/[^/?]+/.test(v) || /^sqlite:.+/.test(v), {
    message: 'must be mysql://user:pass@host:port/db or sqlite:path/to/file.sqlite',
  });

// Not z.coerce.number(): it reads an empty string as 0, so `PORT=` would silently
// listen on a random port and `KEY_CACHE_TTL_MS=` would turn the key cache off.
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: wholeNumber(0, 65535).default(4000),
  DATABASE_URL: databaseUrl.default('sqlite:./data/scopeql.sqlite'),
  MIGRATIONS_RUN: booleanString.default(true),
  /**
   * MySQL/MariaDB: the longest wait for a connection to open and for one statement
   * to answer. Past it the connection is dropped and the request gets 503
   * SERVICE_UNAVAILABLE, so an unreachable database never hangs a request.
   * Migrations are exempt (a big ALTER may rightly take longer).
   */
  DB_TIMEOUT_MS: wholeNumber(100, 600_000).default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long in-flight requests and the final writes get after SIGTERM before the process gives up on them and exits 1. */
  SHUTDOWN_GRACE_MS: wholeNumber(0, 3_600_000).default(30_000),
  /** Largest request body accepted; a bigger one is refused with 413 PAYLOAD_TOO_LARGE before it is parsed. */
  BODY_LIMIT_BYTES: wholeNumber(1).default(1_048_576),
  /** How long a verified key is served from memory; a key change clears it at once (on every instance, with REDIS_URL). */
  KEY_CACHE_TTL_MS: wholeNumber(0, 60_000).default(5_000),
  KEY_CACHE_MAX: wholeNumber(0).default(10_000),
  /** Trust X-Forwarded-For from these proxies (fastify trustProxy syntax); off by default so clients cannot spoof their address past an IP allowlist. */
  TRUST_PROXY: z.string().default(''),
  /** Request log rows older than this many days are pruned by an hourly job. */
  REQUEST_LOG_RETENTION_DAYS: wholeNumber(1, 36_500).default(30),
  /** Request log rows wait in memory at most this long before one multi-row INSERT writes them... */
  REQUEST_LOG_FLUSH_MS: wholeNumber(1, 60_000).default(250),
  /** ...or until this many are waiting, whichever comes first. */
  REQUEST_LOG_BATCH_SIZE: wholeNumber(1, 1_000).default(100),
  /** Most rows held while the database cannot take them; past this the oldest are dropped, and counted in a warning. */
  REQUEST_LOG_BUFFER_MAX: wholeNumber(1).default(10_000),
  /** Development and tests only: webhook URLs may point at loopback, and use plain http to loopback (never anything else). */
  WEBHOOKS_ALLOW_INSECURE: booleanString.default(false),
  /** `false` runs no webhook delivery worker in this process (another process delivers). */
  WEBHOOK_WORKER: booleanString.default(true),
  /** How often the worker looks for due deliveries when nothing pokes it. */
  WEBHOOK_POLL_MS: wholeNumber(10, 3_600_000).default(1_000),
  /** Most deliveries one worker sends at once. */
  WEBHOOK_CONCURRENCY: wholeNumber(1, 1_000).default(10),
  /** One attempt's limit, connecting to the end of the response. */
  WEBHOOK_TIMEOUT_MS: wholeNumber(100, 600_000).default(15_000),
  /** How long a claimed delivery is reserved for its worker; a killed worker's claims are free again after it. */
  WEBHOOK_LEASE_MS: wholeNumber(200, 86_400_000).default(60_000),
  /** Seconds to wait before each attempt, comma-separated (Svix's schedule by default). */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE_SECONDS.join(','))
    .transform((text, ctx) => {
      const parsed = parseRetrySchedule(text);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      return typeof parsed === 'string' ? [] : parsed;
    }),
  /** An endpoint failing for longer than this (5 days by default) is disabled. */
  WEBHOOK_DISABLE_AFTER_MS: wholeNumber(1).default(5 * 24 * 3_600_000),
  /** Events older than this many days, with none of their deliveries still pending, are pruned (with their deliveries and attempts) hourly. */
  WEBHOOK_RETENTION_DAYS: wholeNumber(1, 36_500).default(30),
  /** Query limits, checked before execution (README "Security"): nesting depth... */
  QUERY_MAX_DEPTH: wholeNumber(1, 1_000).default(12),
  /** ...estimated cost (list fields weighted by `first`, see src/graphql/limits/query-cost.ts)... */
  QUERY_MAX_COST: wholeNumber(1).default(5_000),
  /** ...aliases, directives and lexical tokens in one document. */
  QUERY_MAX_ALIASES: wholeNumber(0, 10_000).default(15),
  QUERY_MAX_DIRECTIVES: wholeNumber(0, 10_000).default(50),
  QUERY_MAX_TOKENS: wholeNumber(1, 1_000_000).default(2_000),
  /** `scoped`: a key's introspection shows only what its scopes can use; `on`: the whole schema; `off`: refused. */
  INTROSPECTION: z.enum(['on', 'scoped', 'off']).default('scoped'),
  /** Requests one key may make per RATE_LIMIT_WINDOW_SECONDS; past it, 429 RATE_LIMITED. */
  RATE_LIMIT_REQUESTS: wholeNumber(1).default(600),
  RATE_LIMIT_WINDOW_SECONDS: wholeNumber(1, 86_400).default(60),
  /** Failed authentications (401s) one client address may cause per window before every request from it gets 429. */
  RATE_LIMIT_UNAUTHENTICATED: wholeNumber(1).default(60),
  /** Cost points a key's leaky bucket holds (Shopify Admin API style)... */
  COST_BUCKET_SIZE: wholeNumber(1).default(1_000),
  /** ...and how many it gets back each second. */
  COST_RESTORE_RATE: wholeNumber(1).default(50),
  /** Unset: rate limits live in this process's memory. Set: in Redis, shared by every instance, which also hear each other's key changes (src/cluster). */
  REDIS_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(/^rediss?:\/\/.+/, 'must be redis://host:port or rediss://host:port').optional(),
  ),
  /** Prefix of every Redis key the rate limits use and of the key invalidation channel, so instances of one deployment share them and other deployments do not. */
  RATE_LIMIT_PREFIX: z.string().min(1).default('scopeql'),
  /** The longest one Redis command may take; past it the instance treats Redis as down (per-instance limits) and reconnects. */
  REDIS_TIMEOUT_MS: wholeNumber(10, 60_000).default(500),
}).refine((c) => c.WEBHOOK_LEASE_MS > c.WEBHOOK_TIMEOUT_MS, {
  // A lease that ran out while its attempt was still waiting for an answer would
  // let a second worker send the same delivery at the same time.
  path: ['WEBHOOK_LEASE_MS'],
  message: 'must be longer than WEBHOOK_TIMEOUT_MS',
}).refine((c) => !(c.WEBHOOKS_ALLOW_INSECURE && c.NODE_ENV === 'production'), {
  // Contract §7: plain http to loopback only in development; a production server never sends webhooks to its own host.
  path: ['WEBHOOKS_ALLOW_INSECURE'],
  message: 'must not be true when NODE_ENV is production',
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** Every setting at its default, for callers that build services from a partial config (tests, tools). */
export const defaultConfig: Config = loadConfig({});
