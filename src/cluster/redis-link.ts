import { EventEmitter } from 'node:events';
import Redis, { type RedisOptions } from 'ioredis';

/** The two pino methods the link logs with (fastify's logger fits). */
export interface LinkLog {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}

export interface LinkOptions {
  url: string;
  /** What this connection is for, in log lines and `CLIENT LIST` (`rate-limits`, `invalidation`). */
  role: string;
  /** REDIS_TIMEOUT_MS: the longest one command may take. */
  timeoutMs: number;
  /** What goes wrong while this connection is down, for the log line that says it went down. */
  consequence: string;
  log: LinkLog;
  /** Named in `CLIENT LIST`, so an operator can tell the instances' connections apart. */
  instanceId: string;
}

/**
 * ioredis settings for a Redis that the service must never wait on: while
 * disconnected a command is refused at once rather than queued
 * (`enableOfflineQueue: false`, as rate-limiter-flexible recommends with an
 * insurance limiter), a command in flight when the connection drops is not
 * retried, and a command that gets no answer fails after `timeoutMs` (a
 * network partition sends no reset, so only a timeout ends the wait).
 */
export function redisOptions(options: Pick<LinkOptions, 'role' | 'timeoutMs' | 'instanceId'>): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.timeoutMs,
    connectTimeout: Math.max(1_000, options.timeoutMs),
    // Reconnect quickly at first, then every 2 s while Redis stays away.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    // Subscriptions are renewed by the invalidation bus itself, which then clears the caches.
    autoResubscribe: false,
    keepAlive: 10_000,
    // A connection dropped on purpose (a timeout, below) is destroyed soon rather than after ioredis's 2 s default.
    disconnectTimeout: 100,
    connectionName: `scopeql-${options.role}-${options.instanceId}`,
  };
}

type State = 'connecting' | 'up' | 'down';

/**
 * One ioredis connection and whether it can be used now. `ready` is what every
 * caller checks first: when it is false they fall back at once (per-instance
 * rate limits, keys read from the database) instead of waiting.
 *
 * ioredis notices a closed or refused connection by itself. A silent one (a
 * partition: no reset, no answer) only shows as commands timing out, so a
 * heartbeat PING runs every second, and any timed-out command drops the
 * connection on purpose: while it reconnects `ready` is false, so the requests
 * that follow fall back immediately instead of each waiting out the timeout.
 *
 * Emits `up` (ready, after connecting or reconnecting) and `down` (once per outage).
 */
export class RedisLink extends EventEmitter<{ up: []; down: [] }> {
  readonly client: Redis;
  private state: State = 'connecting';
  private downSince: Date | undefined;
  private reason: string | undefined;
  private pinging: Promise<boolean> | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  /** A command timed out: not used again until ioredis has reconnected. */
  private suspect = false;

  constructor(private readonly options: LinkOptions) {
    super();
    this.client = new Redis(options.url, redisOptions(options));
    this.client.on('ready', () => this.markUp());
    this.client.on('error', (error: Error) => this.markDown(describe(error)));
    this.client.on('close', () => this.markDown('connection closed'));
    this.heartbeat = setInterval(() => void this.ping(), Math.max(1_000, 2 * options.timeoutMs));
    this.heartbeat.unref();
  }

  /** Connected and answering as far as this instance knows: use Redis. */
  get ready(): boolean {
    return !this.closed && !this.suspect && this.client.status === 'ready';
  }

  /** When the current outage began and why; undefined while up. */
  get outage(): { since: Date; reason: string } | undefined {
    if (this.state !== 'down' || !this.downSince) return undefined;
    return { since: this.downSince, reason: this.reason ?? 'unknown' };
  }

  /** Resolves once ready, or after `ms` either way; never rejects. */
  async whenReady(ms: number): Promise<boolean> {
    if (this.ready) return true;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off('up', done);
        resolve(this.ready);
      };
      const timer = setTimeout(done, ms);
      this.on('up', done);
    });
  }

  /**
   * A command on this connection failed. A timeout means the connection may be
   * silently dead: drop it and reconnect (see the class comment). Other errors
   * (refused while disconnected, a script error) say nothing new about the link:
   * ioredis reports a lost connection by itself.
   */
  failed(error: unknown): void {
    if (this.closed || !isTimeout(error)) return;
    this.markDown(describe(error));
    if (this.client.status === 'ready' && !this.suspect) {
      this.suspect = true;
      this.client.disconnect(true);
    }
  }

  /** A PING (one at a time); false, and the connection dropped, when it gets no answer. */
  async ping(): Promise<boolean> {
    if (!this.ready) return false;
    this.pinging ??= this.client.ping().then(
      () => true,
      (error: unknown) => {
        this.failed(error);
        return false;
      },
    );
    try {
      return await this.pinging;
    } finally {
      this.pinging = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.client.disconnect();
  }

  private markUp(): void {
    this.suspect = false;
    if (this.state === 'down' && this.downSince) {
      this.options.log.info(
        { redis: this.options.role, downMs: Date.now() - this.downSince.getTime() },
        `Redis (${this.options.role}) reachable again`,
      );
    }
    this.state = 'up';
    this.downSince = undefined;
    this.reason = undefined;
    this.emit('up');
  }

  private markDown(reason: string): void {
    if (this.closed || this.state === 'down') return;
    this.state = 'down';
    this.downSince = new Date();
    this.reason = reason;
    this.options.log.warn({ redis: this.options.role, reason }, `Redis (${this.options.role}) unreachable: ${this.options.consequence}`);
    this.emit('down');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /timed? ?out/i.test(error.message);
}
